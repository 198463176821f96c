"""Proof of Keys day: an optional prompt from 3 to 9 January each year."""

from __future__ import annotations

from datetime import UTC, datetime

from exposure_app.services.reminders import proof_of_keys_prompt
from exposure_app.services.settings import Settings


def test_prompt_only_when_switched_on_and_in_its_week():
    settings = Settings()
    jan3 = datetime(2027, 1, 3, 9, tzinfo=UTC)
    assert proof_of_keys_prompt(settings, now=jan3) is None       # off by default
    settings.set("proof_of_keys_reminder", True)
    prompt = proof_of_keys_prompt(settings, now=jan3)
    assert prompt is not None and "03 January 2027" in prompt
    assert proof_of_keys_prompt(settings, now=datetime(2027, 1, 9, 23, tzinfo=UTC))
    assert proof_of_keys_prompt(settings, now=datetime(2027, 1, 10, tzinfo=UTC)) is None
    assert proof_of_keys_prompt(settings, now=datetime(2027, 1, 2, 23, tzinfo=UTC)) is None


def test_the_checklist_reminders_show_the_prompt(qtbot, data_dir, monkeypatch):
    from exposure_app.ui.widgets import withdrawal_test_reminders as widget_module
    from tests.checklist.helpers import populated_state

    with populated_state(data_dir) as state:
        state.settings.set("proof_of_keys_reminder", True)
        jan3 = datetime(2027, 1, 3, 9, tzinfo=UTC)
        monkeypatch.setattr(widget_module, "proof_of_keys_prompt",
                            lambda settings: proof_of_keys_prompt(settings, now=jan3))
        widget = widget_module.WithdrawalTestReminders(state)
        qtbot.addWidget(widget)
        widget.show_reminders()
        assert "Proof of Keys day (03 January 2027)" in widget.reminder_label.text()
