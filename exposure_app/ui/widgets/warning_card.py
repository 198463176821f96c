"""One warning: level badge, counterparty, exposure, reasons, cited events, action.

Sources are links the user can open in a browser. The "Checklist" button
asks the window for the move-to-self-custody plan of this counterparty.

Threading: GUI thread only.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from exposure_app.ui import risk_source
from exposure_app.ui.formatting import format_money, format_share
from exposure_app.ui.icons import action_icon, level_icon
from exposure_app.ui.levels import level_colour, level_label, level_name


def _event_line(event: object) -> str:
    day = getattr(event, "date", None) or getattr(event, "happened_on", None)
    title = html.escape(str(getattr(event, "title", "") or getattr(event, "id", "event")))
    sources = tuple(getattr(event, "sources", ()) or ())
    links = " ".join(
        f'<a href="{html.escape(str(url))}">source{"" if len(sources) == 1 else f" {i}"}</a>'
        for i, url in enumerate(sources, 1)
    )
    day_text = f"{day.isoformat() if hasattr(day, 'isoformat') else day} · " if day else ""
    return f"{day_text}{title} {links}".strip()


class WarningCard(QFrame):
    checklist_requested = Signal(str)

    def __init__(self, warning: object, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.warning = warning
        level = risk_source.warning_level(warning)
        name = level_name(level)
        colour = level_colour(level).name()
        counterparty = risk_source.warning_counterparty(warning)
        self.setObjectName("warningCard")
        self.setStyleSheet(
            f"QFrame#warningCard {{ border: 1px solid palette(mid); border-left: 5px solid {colour};"
            " border-radius: 4px; }")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        outer.setSpacing(4)
        top = QHBoxLayout()
        badge = QLabel()
        badge.setPixmap(level_icon(name).pixmap(QSize(18, 18)))
        badge.setAccessibleName(f"Level {level_label(level)}")
        title = QLabel(f"<b>{html.escape(risk_source.warning_name(warning))}</b>"
                       f" &nbsp;<span style='color:{colour}'><b>{level_label(level)}</b></span>")
        title.setTextFormat(Qt.TextFormat.RichText)
        top.addWidget(badge)
        top.addWidget(title, 1)
        exposure = getattr(warning, "exposure", None)
        if exposure is not None and getattr(exposure, "value", None) is not None:
            figure = QLabel(f"{format_money(exposure.value, currency)} · "
                            f"{format_share(getattr(exposure, 'share', None))}")
            figure.setAccessibleName("Exposure")
            top.addWidget(figure)
        if counterparty:
            button = QPushButton(action_icon("checklist"), "Checklist")
            button.setAccessibleName(f"Open the self-custody checklist for {counterparty}")
            button.setToolTip("Plan moving these assets to self-custody")
            button.clicked.connect(lambda: self.checklist_requested.emit(counterparty))
            top.addWidget(button)
        outer.addLayout(top)
        reasons = risk_source.warning_reasons(warning)
        if reasons:
            label = QLabel("<br>".join(f"• {html.escape(r)}" for r in reasons))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            outer.addWidget(label)
        events = risk_source.warning_events(warning)
        if events:
            shown = events[:4]
            text = "<br>".join(_event_line(e) for e in shown)
            if len(events) > len(shown):
                text += f"<br>… and {len(events) - len(shown)} more in Events"
            cited = QLabel(f"<span style='color:palette(placeholder-text)'>{text}</span>")
            cited.setTextFormat(Qt.TextFormat.RichText)
            cited.setOpenExternalLinks(True)
            cited.setWordWrap(True)
            cited.setAccessibleName("Cited events")
            outer.addWidget(cited)
        action = risk_source.warning_action(warning)
        if action:
            hint = QLabel(f"<i>{html.escape(action)}</i>")
            hint.setWordWrap(True)
            outer.addWidget(hint)
