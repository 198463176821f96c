"""Custodians whose withdrawals cannot be expected to work on a given day.

A plan that says "withdraw USDC from Celsius" while Celsius has frozen every
withdrawal asks the impossible; what the user can do there is keep records
and follow the claims process. The checklist therefore words those items
differently (``domain.checklist_rows``), from what this module finds:

* an insolvency or withdrawal halt not known to be resolved on the day
  (the same test the warnings use, :func:`is_unresolved_failure`); a
  withdrawal halt that was lifted no longer blocks;
* a counterparty the catalogue marks defunct by the day.

Only events dated on or before the day count, so a plan for a past date
shows what was known then.

Threading: pure functions over frozen data; safe anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.risk.events import RiskEvent
from exposure_app.risk.scoring import is_unresolved_failure
from exposure_app.risk.warnings import CATEGORY_WORDS


def blocked_withdrawals(events: Iterable[RiskEvent], directory: CounterpartyDirectory,
                        day: date) -> dict[str, str]:
    """Counterparty id -> why its withdrawals cannot be expected to work on ``day``.

    The latest unresolved failure is named (an insolvency filed after a halt
    is where things stand); a defunct counterparty without such an event is
    named as defunct.
    """
    reasons: dict[str, str] = {}
    for event in sorted(events, key=lambda e: (e.date, e.id)):
        if not event.known_on(day) or not is_unresolved_failure(event, day):
            continue
        reasons[directory.resolve(event.counterparty)] = (
            f"{CATEGORY_WORDS[event.category]} since {event.date.isoformat()}, not resolved "
            f"({event.title.rstrip('.')})")
    for counterparty in directory:
        if counterparty.defunct_since is not None and counterparty.defunct_since <= day:
            reasons.setdefault(counterparty.id,
                               f"defunct since {counterparty.defunct_since.isoformat()}")
    return reasons
