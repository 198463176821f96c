"""One table of event categories: what each means, how severe it is, how fast it fades.

Every number the scoring reads per category comes from :data:`CATEGORY_TABLE`
(``docs/risk-model.md`` prints the same table). ``severity`` is the weight of a
fresh event of that kind before size, decay and resolution; ``half_life_days``
how long until it counts half; ``failure`` marks the categories that are a
failure in themselves (an unresolved one does not decay, and the user holding
assets there is ``critical``); ``contagious`` the ones that raise linked
counterparties (:mod:`exposure_app.risk.contagion`).

Why these numbers: failures (insolvency, halt) dominate; precursors are set so
that one alone reaches at most ``low``/``medium`` on a calm custodian, while two
or three recent ones together reach the ``distressed`` band; price-derived and
friction signals fade within weeks because they are about the current run.
The backtest (``exposure-app risk backtest``) reports how well that works.

Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from exposure_app.risk.events import Category


@dataclass(frozen=True, slots=True)
class CategorySpec:
    category: Category
    words: str
    """How a reason names it ("withdrawal halt")."""
    severity: float
    half_life_days: float
    meaning: str
    failure: bool = False
    contagious: bool = False


_SPECS = (
    CategorySpec(Category.INSOLVENCY, "insolvency", 100.0, 1825.0,
                 "bankruptcy, liquidation or admitted inability to repay customers",
                 failure=True, contagious=True),
    CategorySpec(Category.WITHDRAWAL_HALT, "withdrawal halt", 80.0, 365.0,
                 "customer withdrawals stopped (all or most assets)",
                 failure=True, contagious=True),
    CategorySpec(Category.COUNTERPARTY_DEFAULT, "counterparty default", 50.0, 90.0,
                 "a large borrower or partner of the custodian defaulted or failed",
                 contagious=True),
    CategorySpec(Category.HACK, "hack", 50.0, 365.0,
                 "funds stolen from the custodian"),
    CategorySpec(Category.ASSET_FREEZE, "asset freeze", 45.0, 180.0,
                 "a regulator, court or bank froze the custodian's (or its processor's) funds"),
    CategorySpec(Category.WITHDRAWAL_FRICTION, "withdrawal friction", 45.0, 30.0,
                 "withdrawal limits cut, slow or queued withdrawals, partial pauses"),
    CategorySpec(Category.KEY_PERSON, "key person event", 45.0, 180.0,
                 "a key person lost, died, detained or departed suddenly"),
    CategorySpec(Category.RESERVE_CONCERN, "reserve concern", 40.0, 365.0,
                 "doubts about reserves: no liabilities shown, an auditor walking away"),
    CategorySpec(Category.OWN_TOKEN_RELIANCE, "own-token reliance", 40.0, 180.0,
                 "balance sheet or reserves resting on the custodian's own token"),
    CategorySpec(Category.OUTFLOW_SURGE, "outflow surge", 35.0, 60.0,
                 "a large share of reserves left within days"),
    CategorySpec(Category.TOKEN_DRAWDOWN, "own-token drawdown", 35.0, 30.0,
                 "derived from prices: the custodian's own token fell sharply"),
    CategorySpec(Category.DEPEG, "depeg", 25.0, 90.0,
                 "a stablecoin or staking derivative it issues or relies on lost its peg"),
    CategorySpec(Category.REGULATORY, "regulatory action", 20.0, 730.0,
                 "fines, charges, licence withdrawals"),
    CategorySpec(Category.UNUSUAL_YIELD, "unusually high yield", 15.0, 180.0,
                 "unusually high advertised yields on deposits"),
)

CATEGORY_TABLE: Mapping[Category, CategorySpec] = MappingProxyType(
    {spec.category: spec for spec in _SPECS})
assert set(CATEGORY_TABLE) == set(Category), "every category needs a row"

SEVERITY: Mapping[Category, float] = MappingProxyType(
    {c: s.severity for c, s in CATEGORY_TABLE.items()})
HALF_LIFE_DAYS: Mapping[Category, float] = MappingProxyType(
    {c: s.half_life_days for c, s in CATEGORY_TABLE.items()})
WORDS: Mapping[Category, str] = MappingProxyType({c: s.words for c, s in CATEGORY_TABLE.items()})
FAILURES = frozenset(c for c, s in CATEGORY_TABLE.items() if s.failure)
CONTAGIOUS = frozenset(c for c, s in CATEGORY_TABLE.items() if s.contagious)


def markdown_table() -> str:
    """The table as Markdown (``docs/risk-model.md`` embeds it)."""
    lines = ["| category | severity | half-life (days) | meaning |", "|---|---|---|---|"]
    for spec in sorted(_SPECS, key=lambda s: -s.severity):
        note = " (failure; no decay while unresolved)" if spec.failure else ""
        lines.append(f"| `{spec.category.value}` | {spec.severity:g} | "
                     f"{spec.half_life_days:g} | {spec.meaning}{note} |")
    return "\n".join(lines)
