"""The documented JSON of every data-printing command (docs/json.md), as JSON Schema.

Objects are closed (``additionalProperties: false``) so that a field added to
a command without being documented fails the test; every field listed is
required (a field that may be empty is ``null``, never absent).
"""

from __future__ import annotations

from typing import Any

STR: dict[str, Any] = {"type": "string"}
BOOL: dict[str, Any] = {"type": "boolean"}
INT: dict[str, Any] = {"type": "integer"}
NUM: dict[str, Any] = {"type": "number"}
DEC: dict[str, Any] = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
"""Money, amounts, shares: decimal strings, exact."""
TIME: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"}
DAY: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\d$"}
PUBLISHED: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\dZ)?$"}


def null(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def arr(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def obj(**fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": fields, "required": list(fields),
            "additionalProperties": False}


def document(**fields: dict[str, Any]) -> dict[str, Any]:
    """A top-level document: ``schema`` first, then the command's fields."""
    return obj(schema={"const": 1}, **fields)


ERROR = document(error=obj(code=STR, message=STR))

FRESHNESS = dict(kind=STR, counterparty=null(STR), snapshot_at=null(TIME), status=null(STR),
                 stale=BOOL, stale_reason=null(STR))

WATCH = obj(chain=STR, kind=STR, value=STR, api_url=null(STR))
ACCOUNTS_LIST = document(accounts=arr(obj(account=STR, exchange=null(STR), watch=null(WATCH),
                                          **FRESHNESS)))

VALUE_SHARE = obj(value=DEC, share=DEC)
EXPOSURE = document(
    as_of=TIME, base_currency=STR, net_worth=DEC, custodial=VALUE_SHARE, self_custody=VALUE_SHARE,
    counterparties=arr(obj(counterparty=STR, name=STR, value=DEC, share=DEC, direct=DEC,
                           affiliated=DEC)),
    issuers=arr(obj(counterparty=STR, name=STR, assets=arr(STR), value=DEC, share=DEC)),
    assets=arr(obj(asset=STR, value=DEC, share=DEC)),
    hhi=DEC,
    unpriced=arr(obj(account=STR, asset=STR, amount=DEC, wallet=STR)),
    accounts=arr(obj(account=STR, **FRESHNESS)),
)

HOLDINGS_LIST = document(
    as_of=TIME, base_currency=STR,
    holdings=arr(obj(account=STR, counterparty=null(STR), wallet=STR, asset=STR, free=DEC,
                     locked=DEC, total=DEC, price=null(DEC), value=null(DEC), priced=BOOL,
                     price_source=null(STR), snapshot_at=TIME, stale=BOOL)),
)

RESOLVED = null(obj(date=DAY, note=STR))
EVENT_FIELDS = dict(id=STR, counterparty=STR, date=DAY, published=PUBLISHED, category=STR,
                    title=STR, sources=arr(STR), resolved=RESOLVED)
WARNINGS = document(
    as_of=TIME, base_currency=STR, net_worth=DEC,
    warnings=arr(obj(counterparty=STR, name=STR, level=STR,
                     exposure=obj(value=DEC, share=DEC, direct=DEC, affiliated=DEC),
                     reasons=arr(STR),
                     health=null(obj(state=STR, score=NUM, reasons=arr(STR))),
                     events=arr(obj(**EVENT_FIELDS)))),
)

EVENTS_LIST = document(
    as_of=TIME,
    events=arr(obj(**EVENT_FIELDS, summary=STR, origin=STR, scheduled=BOOL,
                   magnitude_usd=null(DEC))),
)

COUNTERPARTIES_LIST = document(
    counterparties=arr(obj(counterparty=STR, name=STR, kind=STR, ccxt_ids=arr(STR),
                           aliases=arr(STR), affiliated_tokens=arr(STR),
                           issued_stablecoins=arr(STR), reserve_slug=null(STR), status=STR,
                           defunct_since=null(DAY), custody=null(STR))),
)

MEMO = obj(needed={"enum": ["required", "likely", "none", "unknown"]}, label=null(STR))
NETWORK = obj(network=STR, network_id=null(STR), withdraw_enabled=null(BOOL), fee=null(DEC),
              minimum=null(DEC), memo=MEMO)
CHECKLIST = document(
    plan_id=null(INT), scope=STR, name=STR, as_of=TIME, base_currency=STR, notice=STR,
    remaining_value=DEC, done=INT,
    custodians=arr(obj(counterparty=STR, name=STR, level=null(STR), value=DEC,
                       unpriced_assets=arr(STR), withdrawal_info=null(STR),
                       withdrawals_blocked=BOOL, withdrawals_blocked_reason=null(STR))),
    items=arr(obj(position=INT, item=STR, kind={"enum": ["step", "asset", "affiliated"]},
                  counterparty=null(STR), level=null(STR), asset=null(STR), title=STR,
                  detail=STR, free=null(DEC), locked=null(DEC), total=null(DEC),
                  value=null(DEC), unlock=null(STR), networks=null(arr(NETWORK)),
                  memo=null(MEMO), dust=null(STR), withdrawals_blocked=BOOL, listed=BOOL,
                  done=BOOL, done_at=null(TIME), done_by=null(STR), note=null(STR),
                  destination=null(obj(chain=STR, address=null(STR), account=STR)),
                  confirmation=null(obj(txid=null(STR), at=null(TIME), amount=null(DEC),
                                        basis=null(STR),
                                        custodian_confirmed_at=null(TIME))))),
)

REMINDERS_LIST = document(
    reminders=arr(obj(counterparty=STR, name=STR, interval_days=INT, custom_interval=BOOL,
                      enabled=BOOL, due=BOOL, due_at=null(TIME), overdue_days=null(NUM),
                      last_test=null(obj(tested_at=TIME, result=STR)),
                      withdrawals_blocked=BOOL, withdrawals_blocked_reason=null(STR),
                      message=STR)),
)

TEST_FIELDS = dict(id=INT, counterparty=STR, tested_at=TIME, result=STR)
REMINDERS_RECORD = document(**TEST_FIELDS, event_id=null(STR))
REMINDERS_HISTORY = document(
    tests=arr(obj(**TEST_FIELDS, asset=null(STR), network=null(STR), note=STR,
                  event_id=null(STR))),
)

PERMISSIONS = obj(level=STR, can_trade=null(BOOL), can_withdraw=null(BOOL),
                  can_transfer=null(BOOL), ip_restricted=null(BOOL), source=null(STR),
                  detail=null(STR))
SYNC = document(
    started_at=TIME, finished_at=TIME,
    accounts=arr(obj(
        account=STR, exchange=STR, status={"enum": ["ok", "partial", "failed", "cancelled"]},
        coverage=arr(STR), coverage_note=null(STR), missing={"type": "object"},
        skipped={"type": "object"}, base_currency=STR, value=null(DEC),
        wallet_values={"type": "object", "additionalProperties": DEC}, holdings=INT,
        unpriced_assets=arr(STR), assumed_prices=arr(STR), permissions=null(PERMISSIONS),
        warning=null(STR), error=null(STR), error_kind=null(STR), stale_since=null(TIME),
        timings=obj(read_seconds=null(NUM), pricing_seconds=null(NUM), total_seconds=NUM),
        notes=arr(STR))),
)

EXCHANGE_ACCOUNT = dict(account=STR, exchange=STR, key_tested=BOOL, permissions=STR,
                        warning=null(STR))
ADD_EXCHANGE = document(**EXCHANGE_ACCOUNT, counterparty=STR)
SET_KEY = document(**EXCHANGE_ACCOUNT)

IMPORT_HOLDINGS = document(rows=INT, snapshots_written=INT, snapshots_unchanged=INT,
                           accounts=arr(STR))
EXPORT = document(report=STR, path=STR, rows=INT, as_of=TIME)
DATA_FOLDER = document(in_use=STR, chosen_default=null(STR))
SUGGESTIONS = document(
    suggestions=arr(obj(id=INT, status=STR, counterparty=STR, category=STR, date=DAY,
                        published=DAY, title=STR, evidence=STR, sources=arr(STR), confidence=NUM,
                        amount_usd=null(DEC), period_days=null(INT), duplicate_of=null(STR),
                        event_id=STR)),
)
SUGGESTIONS["properties"]["suggestions"]["items"]["required"].remove("event_id")
FEEDS_LIST = document(enabled=BOOL, feeds=arr(obj(url=STR, last_read=null(TIME), error=null(STR))))
FEEDS_POLL = document(polls=arr({"type": "object"}))
PRICES_UPDATE = document(
    started_at=TIME, ok=BOOL, tickers=INT, closes=INT, unpriced=arr(STR), rejected=arr(STR),
    revalued_accounts=INT,
    sources=arr(obj(source=STR, ok=BOOL, message=STR, assets=arr(STR))),
)
PRICES_SHOW = document(asset=STR, base_currency=STR, price=DEC, usd_price=null(DEC), source=STR,
                       day=DAY, assumed=BOOL, as_of=null(DAY), cache=STR)
SETTINGS = {"type": "object", "properties": {"schema": {"const": 1}}, "required": ["schema"]}

SCHEMAS: dict[str, dict[str, Any]] = {
    "accounts list": ACCOUNTS_LIST,
    "accounts add-exchange": ADD_EXCHANGE,
    "accounts set-key": SET_KEY,
    "holdings list": HOLDINGS_LIST,
    "import holdings": IMPORT_HOLDINGS,
    "exposure": EXPOSURE,
    "warnings": WARNINGS,
    "events list": EVENTS_LIST,
    "counterparties list": COUNTERPARTIES_LIST,
    "checklist": CHECKLIST,
    "reminders list": REMINDERS_LIST,
    "reminders record": REMINDERS_RECORD,
    "reminders history": REMINDERS_HISTORY,
    "sync": SYNC,
    "export": EXPORT,
    "data-folder show": DATA_FOLDER,
    "settings show": SETTINGS,
    "events suggest": SUGGESTIONS,
    "events suggestions": SUGGESTIONS,
    "feeds list": FEEDS_LIST,
    "feeds poll": FEEDS_POLL,
    "prices update": PRICES_UPDATE,
    "prices show": PRICES_SHOW,
    "error": ERROR,
}
