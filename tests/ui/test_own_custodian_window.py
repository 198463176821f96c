"""The window names a custodian the user created by the name given (pages ask the
profile's directory, not the shipped catalogue alone)."""

from __future__ import annotations

from tests.services.test_own_custodian_names import NAME, _own_custodian_account


def test_the_window_names_it_as_given(qtbot, make_window, data_dir, store):
    _own_custodian_account(store)
    store.close()
    window = make_window(data_dir)
    window.state.refresh_now()
    window.show_page("holdings")
    holdings = window.page("holdings")
    assert {row.counterparty for row in holdings.model.rows} == {NAME}
    window.show_page("accounts")
    accounts = window.page("accounts")
    assert NAME in {row.counterparty for row in accounts.model.rows}


def test_the_dialog_keeps_a_new_custodian_only_with_its_account(qtbot, store):
    """A name already taken refuses the account; the custodian typed for it is not kept."""
    from exposure_app.domain.models import AccountKind
    from exposure_app.ui.dialogs.manual_account_dialog import ManualAccountDialog

    store.accounts.add("Broker", AccountKind.MANUAL_CUSTODIAL, counterparty="kraken")
    dialog = ManualAccountDialog(store)
    qtbot.addWidget(dialog)
    dialog.custodial.setChecked(True)
    dialog.counterparty.setEditText(NAME)
    dialog.new_custodian.setChecked(True)
    dialog.name.setText("Broker")
    dialog.save()
    assert dialog.account is None
    assert store.risk.directory().get("etoro_money_eu") is None
    dialog.name.setText("Broker 2")
    dialog.save()
    assert dialog.account is not None
    assert store.risk.directory().name(dialog.account.counterparty) == NAME
