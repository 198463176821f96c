"""One warning: level badge, counterparty, exposure, reasons, cited events, action.

Sources are links the user can open in a browser. The "Checklist" button
asks the window for the move-to-self-custody plan of this counterparty.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from exposure_app.risk.events import RiskEvent
from exposure_app.risk.warnings import RiskWarning
from exposure_app.ui import warning_view
from exposure_app.ui.formatting import format_money, format_share
from exposure_app.ui.icons import action_icon, level_icon
from exposure_app.ui.level_colours import level_colour, level_label, level_name
from exposure_app.ui.rich_text import bold, escaped, lines, link, muted_line, plain
from exposure_app.ui.widgets.card_frames import RichLabel

MAX_REASONS = 4
MAX_EVENTS = 3


def _event_line(event: RiskEvent) -> str:
    """One cited event: its day, title and numbered source links."""
    title = escaped(event.title or event.id)
    sources = event.sources
    links = " ".join(
        link(url, f'source{"" if len(sources) == 1 else f" {i}"}')
        for i, url in enumerate(sources, 1)
    )
    return f"{event.date.isoformat()} · {title} {links}".strip()


class WarningCard(QFrame):
    checklist_requested = Signal(str)

    def __init__(self, warning: RiskWarning, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.warning = warning
        level = warning_view.warning_level(warning)
        name = level_name(level)
        colour = level_colour(level).name()
        counterparty = warning_view.warning_counterparty(warning)
        self.setObjectName("warningCard")
        self.setAccessibleName(f"{warning_view.warning_name(warning)}: {level_label(level)}")
        self._colour = level_colour(level)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 8, 12, 8)
        outer.setSpacing(4)
        top = QHBoxLayout()
        badge = QLabel()
        badge.setPixmap(level_icon(name).pixmap(QSize(18, 18)))
        badge.setAccessibleName(f"Level {level_label(level)}")
        title = QLabel(f"{bold(warning_view.warning_name(warning))}"
                       f" &nbsp;<span style='color:{colour}'><b>{level_label(level)}</b></span>")
        title.setTextFormat(Qt.TextFormat.RichText)
        # wraps rather than widening the card: a long name must not push the
        # Checklist button out of a narrow warnings column
        title.setWordWrap(True)
        top.addWidget(badge)
        top.addWidget(title, 1)
        outer.addLayout(top)
        # the Checklist button sits under the text, not beside the title: a narrow
        # warnings column (1024 px windows) must not cut it or the figures off
        self.checklist_button = None
        if counterparty:
            button = QPushButton(action_icon("checklist"), "Checklist")
            button.setAccessibleName(f"Open the self-custody checklist for {counterparty}")
            button.setToolTip("Plan moving these assets to self-custody")
            button.clicked.connect(lambda: self.checklist_requested.emit(counterparty))
            self.checklist_button = button
        # the share is escaped: a tiny one reads "<0.1%", which rich text would take for a tag
        exposure = warning.exposure
        share = escaped(format_share(exposure.share))
        if warning_view.is_tiny_exposure(warning):
            # a share alone ("<0.1% of net worth") reads like nothing is at stake
            words = f"a small exposure ({share} of net worth)"
        else:
            words = f"{share} of net worth"
        figure = QLabel(f"{bold(format_money(exposure.value, currency))} · {words}")
        figure.setTextFormat(Qt.TextFormat.RichText)
        figure.setAccessibleName("Exposure")
        figure.setWordWrap(True)   # a narrow warnings column wraps it, never clips it
        outer.addWidget(figure)
        reasons = warning_view.warning_reasons(warning)
        if reasons:
            shown_reasons = reasons[:MAX_REASONS]
            more = len(reasons) - len(shown_reasons)
            label = QLabel(lines([*(f"• {escaped(r)}" for r in shown_reasons),
                                  *([f"• … {more} more in Events"] if more > 0 else [])]))
            label.setToolTip(plain("\n".join(reasons)))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            outer.addWidget(label)
        events = warning_view.warning_events(warning)
        if events:
            cited_events = events[:MAX_EVENTS]
            more_events = len(events) - len(cited_events)
            cited = RichLabel(muted_line(lines(
                [*(_event_line(e) for e in cited_events),
                 *([f"… and {more_events} more in Events"] if more_events > 0 else [])])))
            cited.setOpenExternalLinks(True)
            cited.setAccessibleName("Cited events")
            outer.addWidget(cited)
        action = warning_view.warning_action(warning)
        self._action_text = action
        if action:
            hint = QLabel(f"<i>{escaped(action)}</i>")
            hint.setTextFormat(Qt.TextFormat.RichText)
            hint.setWordWrap(True)
            outer.addWidget(hint)
        if self.checklist_button is not None:
            outer.addWidget(self.checklist_button, 0, Qt.AlignmentFlag.AlignRight)

    def paintEvent(self, event) -> None:
        # note: painted rather than styled: a style sheet per card re-polishes the
        # whole subtree on every refresh, which made rebuilding the list slow.
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colour)
        painter.drawRoundedRect(QRectF(0, 0, 5, self.height()), 2, 2)
        painter.end()
