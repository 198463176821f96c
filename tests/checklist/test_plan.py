"""The plan built from stored holdings, cached networks and lock details."""

from __future__ import annotations

from decimal import Decimal

from exposure_app.domain.checklist import NEVER_WITHDRAWS, build_plan, dust_reason
from exposure_app.domain.models import SnapshotSource
from exposure_app.domain.withdrawal_networks import Memo, NetworkInfo, memo_for, network_options
from exposure_app.risk.catalog import load_directory
from exposure_app.services.checklist_service import build_checklist, view_checklist
from exposure_app.services.exposure_as_of import account_states
from exposure_app.services.settings import Settings
from tests.checklist.helpers import T1, populate

D = Decimal


def plan_for(store, scope="all", levels=None, **settings):
    s = Settings()
    for key, value in settings.items():
        s.set(key, value)
    return build_checklist(store, s, scope, as_of=T1, levels=levels or {})


def section(plan, cp):
    return next(s for s in plan.sections if s.counterparty == cp)


def asset(plan, cp, code):
    return next(a for a in section(plan, cp).assets if a.asset == code)


def test_general_steps_come_first_and_the_plan_says_it_never_withdraws(store):
    populate(store)
    plan = plan_for(store)
    keys = [i.key for i in plan.items()]
    assert keys[:6] == ["step:wallet", "step:verify-address", "step:whitelist", "step:test",
                        "step:withdraw", "step:record"]
    assert "seed" in plan.steps[0].title and "whitelist" in plan.steps[2].title
    assert plan.notice == NEVER_WITHDRAWS and "never withdraws" in plan.notice


def test_order_own_token_first_then_by_value_unpriced_last(store):
    populate(store)
    assets = [a.asset for a in section(plan_for(store), "binance").assets]
    # BNB is Binance's own token (falls with it): first; then by value; FOO (unpriced) last
    assert assets == ["BNB", "BTC", "ETH", "SOL", "USDT", "USDC", "XRP", "DOGE", "FOO"]
    assert asset(plan_for(store), "binance", "FOO").value is None   # kept, never dropped


def test_custodians_most_at_risk_first_then_most_valuable(store):
    populate(store)
    assert [s.counterparty for s in plan_for(store).sections] == ["binance", "kraken"]
    risky = plan_for(store, levels={"kraken": "critical", "binance": "low"})
    assert [s.counterparty for s in risky.sections] == ["kraken", "binance"]
    assert section(risky, "kraken").level == "critical"


def test_free_locked_and_what_unlocks_it(store):
    populate(store)
    plan = plan_for(store)
    btc = asset(plan, "binance", "BTC")
    assert (btc.free, btc.locked, btc.total) == (D("0.5"), D("0.1"), D("0.6"))
    assert btc.unlock_steps == ("Cancel open orders in Binance main to free 0.1",)
    eth = asset(plan, "binance", "ETH")
    assert (eth.free, eth.locked) == (D("0"), D("2"))
    assert "Redeem locked earn" in eth.unlock_steps[0] and "locked until 2027-01-15" in eth.unlock_steps[0]
    assert "Unstake" in asset(plan, "binance", "SOL").unlock_steps[0]
    assert "Close futures positions" in asset(plan, "binance", "USDT").unlock_steps[0]
    assert asset(plan, "binance", "XRP").unlock_steps == ()


def test_networks_with_fee_minimum_and_enabled_per_network(store):
    populate(store)
    btc = asset(plan_for(store), "binance", "BTC")
    nets = {o.network: o for o in btc.networks}
    assert nets["BTC"].fee == D("0.0002") and nets["BTC"].minimum == D("0.001")
    assert nets["BTC"].withdraw_enabled is True
    assert nets["BEP20"].withdraw_enabled is False and nets["BEP20"].network_id == "BSC"
    usdc = {o.network: o for o in asset(plan_for(store), "binance", "USDC").networks}
    assert usdc["BEP20"].fee is None and usdc["BEP20"].minimum is None     # not told: unknown
    assert "fee unknown" in usdc["BEP20"].describe()
    sol = asset(plan_for(store), "binance", "SOL")
    assert sol.networks == () and not sol.networks_known                     # nothing cached
    kraken_eth = asset(plan_for(store), "kraken", "ETH")                      # manual account
    assert kraken_eth.networks == ()
    assert "manual account" in section(plan_for(store), "kraken").withdrawal_info_note


def test_memo_flags(store):
    populate(store)
    plan = plan_for(store)
    xrp = asset(plan, "binance", "XRP")
    assert xrp.memo is Memo.REQUIRED and xrp.memo_label == "destination tag"
    assert asset(plan, "binance", "BTC").memo is Memo.NONE
    # exchange silent: the documented list decides
    assert memo_for("XLM", "XLM", None) == (Memo.LIKELY, "memo")
    assert memo_for("TON", "TON", None)[0] is Memo.LIKELY
    assert memo_for("ATOM", "ATOM", False) == (Memo.NONE, None)     # the exchange's word wins
    assert memo_for("USDT", "ERC20", True)[0] is Memo.REQUIRED


def test_dust_below_threshold_below_minimum_and_not_worth_the_fee():
    nets = network_options("XRP", [NetworkInfo("x", "XRP", "XRP", None, True, True, D("0.2"),
                                               D("25"), None, None)])
    assert "dust threshold" in dust_reason(D("1"), D("0.5"), D("0.5"), nets, D("1"))
    assert "minimum" in dust_reason(D("10"), D("5"), D("0.5"), nets, D("1"))
    assert dust_reason(D("100"), D("50"), D("0.5"), nets, D("1")) is None
    costly = network_options("ETH", [NetworkInfo("x", "ETH", "ERC20", None, True, True, D("0.01"),
                                                 D("0.001"), None, None)])
    assert "fee" in dust_reason(D("0.005"), D("15"), D("3000"), costly, D("1"))
    # a disabled network does not count; unknown figures never make dust
    disabled = network_options("ETH", [NetworkInfo("x", "ETH", "ERC20", None, False, True,
                                                   D("1"), D("100"), None, None)])
    assert dust_reason(D("0.5"), D("1500"), D("3000"), disabled, D("1")) is None


def test_dust_threshold_comes_from_settings(store):
    populate(store)
    assert "dust" in asset(plan_for(store), "binance", "DOGE").dust_reason
    assert asset(plan_for(store), "binance", "XRP").dust_reason is None
    raised = plan_for(store, dust_threshold="100")
    assert "dust" in asset(raised, "binance", "XRP").dust_reason


def test_affiliated_tokens_held_elsewhere_are_a_separate_item(store):
    populate(store)
    plan = plan_for(store, "binance")
    [bnb] = section(plan, "binance").affiliated
    assert bnb.asset == "BNB" and bnb.held_at == ("Ledger",)
    assert bnb.amount == D("2") and bnb.value == D("1200")
    assert bnb.key == "affiliated:binance:BNB"
    # BNB at Binance itself is a direct holding, listed once as an asset
    assert asset(plan, "binance", "BNB").own_token


def test_single_custodian_scope_and_aliases(store):
    populate(store)
    plan = plan_for(store, "binanceusdm")            # a sibling id resolves to binance
    assert plan.scope == "binance" and [s.counterparty for s in plan.sections] == ["binance"]
    view = view_checklist(store, Settings(), "kraken", as_of=T1, levels={})
    assert view.scope_name == "Kraken" and {r.counterparty for r in view.rows if r.kind != "step"} == {"kraken"}


def test_stale_account_is_flagged_in_the_plan(store):
    ids = populate(store)
    store.snapshots.record_failure(ids["binance"], T1, "Invalid API key", SnapshotSource.SYNC)
    btc = asset(plan_for(store), "binance", "BTC")
    assert btc.stale_reason == "Invalid API key"


def test_build_plan_is_pure_over_states(store):
    populate(store)
    states = account_states(store, T1)
    plan = build_plan(states, scope="all", as_of=T1, base_currency="USD", directory=load_directory())
    # no network info and no locks given: still every asset, networks unknown
    assert {a.asset for s in plan.sections for a in s.assets} >= {"BTC", "XRP", "FOO", "ETH"}
    assert all(a.networks == () for s in plan.sections for a in s.assets)
