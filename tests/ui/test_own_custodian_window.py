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
