"""Settings: a form generated from the typed declarations in :class:`Settings`.

Each :class:`Setting` (type, default, bounds, help) becomes one editor, so a
setting added to ``services/settings.py`` appears here with no GUI change.
Fractions bounded to 0..1 are edited as percentages. Saving validates every
field first; an invalid value is named and nothing is saved.

Threading: GUI thread only.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.money import to_text
from exposure_app.services.base_currency import change_base_currency
from exposure_app.services.settings import Setting, Settings
from exposure_app.storage.errors import StorageError
from exposure_app.ui.view_state import ViewState
from exposure_app.ui.widgets.card_frames import ERROR_COLOUR, Card, heading, plain_text
from exposure_app.ui.widgets.data_folder_card import DataFolderCard
from exposure_app.ui.widgets.seconds_box import SECONDS_SUFFIX

_LABELS = {
    "base_currency": "Base currency",
    "theme": "Theme",
    "custodian_share_warning": "Warn when one custodian holds more than",
    "custodial_share_warning": "Warn when custodians together hold more than",
    "dust_threshold": "Dust threshold",
    "sync_interval_minutes": "Sync automatically every",
    "sync_timeout_seconds": "Give up on one account after",
    "proxy": "Proxy",
    "price_sources": "Price sources",
    "events_feed_url": "Events feed URL",
    "withdrawal_test_interval_days": "Withdrawal-test reminder every",
    "outflow_signals_enabled": "Outflow signals",
    "reserve_data_url": "Reserve data address",
    "outflow_threshold_1d": "Outflow alert, 1 day (share)",
    "outflow_threshold_7d": "Outflow alert, 7 days (share)",
    "outflow_threshold_30d": "Outflow alert, 30 days (share)",
    "risk_escalation_window_days": "Signals escalate within (days)",
    "risk_minor_exposure_share": "Ignore events below this share",
    "risk_score_low": "Score for a low warning",
    "risk_score_medium": "Score for a medium warning",
    "risk_score_high": "Score for a high warning",
}
# Sections of the form; a setting not listed here goes to "Other".
_GROUPS = (
    ("General", ("base_currency", "dust_threshold", "theme")),
    ("Warnings", ("custodian_share_warning", "custodial_share_warning",
                  "withdrawal_test_interval_days")),
    ("Sync", ("sync_interval_minutes", "sync_timeout_seconds")),
    ("Network", ("proxy", "price_sources", "events_feed_url", "outflow_signals_enabled",
                 "reserve_data_url")),
    ("Risk model (advanced)", ("outflow_threshold_1d", "outflow_threshold_7d",
                               "outflow_threshold_30d", "risk_escalation_window_days",
                               "risk_minor_exposure_share", "risk_score_low",
                               "risk_score_medium", "risk_score_high")),
)
EDITOR_WIDTH = 380
_SUFFIX = {"sync_interval_minutes": " min", "sync_timeout_seconds": SECONDS_SUFFIX,
           "withdrawal_test_interval_days": " days"}


def _is_fraction(setting: Setting) -> bool:
    """A share (0..1, e.g. 0.05): edited as a percentage like every other share."""
    return (setting.kind is Decimal and setting.minimum is not None and setting.minimum >= 0
            and setting.maximum == 1)


def _plain_error(setting: Setting, exc: ValueError) -> str:
    """The validation message without the internal key it starts with."""
    return str(exc).removeprefix(f"{setting.key}: ")


class SettingsPage(QScrollArea):
    title = "Settings"
    saved = Signal(object)  # Settings

    def __init__(self, state: ViewState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setAccessibleName("Settings")
        content = QWidget()
        self.setWidget(content)
        outer = QVBoxLayout(content)
        outer.setContentsMargins(16, 16, 16, 16)
        top = QHBoxLayout()
        top.addWidget(heading("Settings"))
        outer.addLayout(top)
        self.editors: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        declared = {s.key: s for s in Settings.declared().values()}
        listed = {key for _title, keys in _GROUPS for key in keys}
        groups = [*_GROUPS, ("Other", tuple(k for k in declared
                                            if k not in listed and not declared[k].internal))]
        labels = {k: _LABELS.get(k, k.replace("_", " ").capitalize()) for k in declared}
        # one label column width for every section, so the editors line up
        label_width = max(self.fontMetrics().horizontalAdvance(t) for t in labels.values()) + 12
        for title, group_keys in groups:
            keys = [k for k in group_keys if k in declared]
            if not keys:
                continue
            card = Card(title)
            form = QFormLayout()
            form.setHorizontalSpacing(16)
            form.setVerticalSpacing(8)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
            card.body.addLayout(form)
            outer.addWidget(card)
            for key in keys:
                setting = declared[key]
                editor = self._editor(setting)
                editor.setMinimumWidth(EDITOR_WIDTH)
                self.editors[key] = editor
                label = QLabel(labels[key])
                self.labels[key] = label
                label.setMinimumWidth(label_width)
                label.setBuddy(editor)
                editor.setAccessibleName(labels[key])
                editor.setToolTip(setting.help)
                form.addRow(label, editor)
        self.folder_card = DataFolderCard(state.profile)
        outer.addWidget(self.folder_card)
        self.status = plain_text(QLabel())   # an error may quote what was typed
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Settings status")
        self.save_button = QPushButton("Save")
        self.save_button.setAccessibleName("Save settings")
        self.revert_button = QPushButton("Revert")
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)
        # at the top, next to the heading: visible without scrolling
        top.addSpacing(16)
        top.addWidget(self.status, 1)
        top.addWidget(self.revert_button)
        top.addWidget(self.save_button)
        outer.addStretch(1)
        self.load()

    @staticmethod
    def _editor(setting: Setting) -> QWidget:
        if setting.choices is not None:
            box = QComboBox()
            for choice in setting.choices:   # "Dark", "Medium" as words; "USD" as it is
                text = str(choice)
                box.addItem(text[:1].upper() + text[1:], text)
            return box
        if setting.kind is bool:
            return QCheckBox(setting.help)
        if setting.kind is int:
            spin = QSpinBox()
            spin.setRange(setting.minimum if setting.minimum is not None else 0,
                          setting.maximum if setting.maximum is not None else 10**9)
            spin.setSuffix(_SUFFIX.get(setting.key, ""))
            if setting.minimum == 0:
                spin.setSpecialValueText("off")
            return spin
        if _is_fraction(setting):
            percent = QDoubleSpinBox()
            percent.setRange(float(setting.minimum or 0) * 100, 100)
            percent.setDecimals(1)
            percent.setSuffix(" %")
            return percent
        edit = QLineEdit()
        edit.setClearButtonEnabled(True)
        return edit

    def load(self) -> None:
        settings = self.state.settings
        for setting in Settings.declared().values():
            editor = self.editors.get(setting.key)
            if editor is None:
                continue
            value = setting.__get__(settings, Settings)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(editor.findData(str(value)))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QDoubleSpinBox):
                editor.setValue(float(value) * 100)
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(value))
            elif isinstance(editor, QLineEdit):
                editor.setText(to_text(value) if isinstance(value, Decimal) else str(value))
        # the dust threshold is a value in the base currency: say which
        self.labels["dust_threshold"].setText(f"Dust threshold ({settings.base_currency})")
        self.status.setText("")

    def _label_text(self, key: str) -> str:
        label = self.labels.get(key)
        return label.text() if label is not None else _LABELS.get(key, key)

    def _raw(self, setting: Setting) -> object:
        editor = self.editors[setting.key]
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QDoubleSpinBox):
            return (Decimal(str(round(editor.value(), 1))) / 100).normalize()
        if isinstance(editor, QSpinBox):
            return editor.value()
        return editor.text()  # type: ignore[attr-defined]

    def save(self) -> bool:
        fresh = self.state.profile.load_settings()
        errors = []
        for setting in Settings.declared().values():
            if setting.key not in self.editors:
                continue
            try:
                if setting.key == "proxy":   # a login in the URL goes to the keyring
                    from exposure_app.services.network_proxy import set_proxy

                    if self._raw(setting) != fresh.proxy:
                        set_proxy(fresh, str(self._raw(setting)))
                else:
                    fresh.set(setting.key, self._raw(setting))
            except StorageError as exc:    # the keyring refused the proxy's login
                errors.append(f"{self._label_text(setting.key)}: {exc}")
            except ValueError as exc:
                errors.append(f"{self._label_text(setting.key)}: {_plain_error(setting, exc)}.")
        errors += fresh.inconsistencies()   # settings that depend on each other
        if errors:
            self.status.setText("Not saved. " + " ".join(errors))
            self.status.setStyleSheet(f"color: {ERROR_COLOUR};")
            return False
        new_base, old_base = fresh.base_currency, self.state.settings.base_currency
        if new_base != old_base:
            # stored figures are converted at each day's cached rate, or nothing changes
            fresh.base_currency = old_base
            try:
                change_base_currency(self.state.store, fresh, new_base)
            except (ValueError, OSError) as exc:
                self.status.setText(f"Not saved. {exc}")
                self.status.setStyleSheet(f"color: {ERROR_COLOUR};")
                return False
        try:
            moved = fresh.save()
        except OSError as exc:
            self.status.setText(f"Not saved: the settings file could not be written ({exc}).")
            self.status.setStyleSheet(f"color: {ERROR_COLOUR};")
            return False
        self.status.setText("Saved." if moved is None else
                            f"Saved. The old settings file could not be read; it was kept as "
                            f"{moved.name} beside the new one.")
        self.status.setStyleSheet("")
        self.state.apply_settings(fresh)
        self.saved.emit(fresh)
        return True
