"""The news reader on single sentences: names, dates against publication, amounts, bad text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from exposure_app.risk.events import Category
from exposure_app.risk.news import NewsError, read_article
from exposure_app.risk.news.dates import find_dates
from exposure_app.risk.news.quantities import find_amounts, find_period_days

TUESDAY = date(2022, 12, 13)


@pytest.mark.parametrize(("phrase", "expected"), [
    ("the exchange said on Tuesday", date(2022, 12, 13)),      # the day of publication
    ("withdrawals stopped late Sunday", date(2022, 12, 11)),
    ("it happened last Friday", date(2022, 12, 9)),
    ("on Wednesday night", date(2022, 12, 7)),                  # last week's Wednesday
    ("yesterday", date(2022, 12, 12)),
    ("On December 13", date(2022, 12, 13)),
    ("on 9 December", date(2022, 12, 9)),
    ("on December 20, 2021", date(2021, 12, 20)),
])
def test_relative_and_absolute_dates_resolve_against_publication(phrase, expected):
    assert [h.day for h in find_dates(phrase, TUESDAY)] == [expected]


def test_a_month_day_after_publication_is_read_in_the_previous_year():
    assert [h.day for h in find_dates("from November 4 to January 4", date(2023, 1, 9))] == [
        date(2022, 11, 4), date(2023, 1, 4)]
    assert [h.day for h in find_dates("on December 30", date(2023, 1, 2))] == [date(2022, 12, 30)]


def test_dates_after_publication_are_dropped():
    assert find_dates("on 2022-12-20", TUESDAY) == []


@pytest.mark.parametrize(("text", "value", "currency"), [
    ("$3 billion", "3000000000", "USD"),
    ("$1.14B", "1140000000", "USD"),
    ("US$360 million", "360000000", "USD"),
    ("14 billion dollars", "14000000000", "USD"),
    ("48.2 billion yen", "48200000000", "JPY"),
    ("4,502.9 BTC", "4502.9", "BTC"),
    ("15% of its assets", "15", "%"),
])
def test_amounts_keep_unit_and_currency(text, value, currency):
    (amount,) = find_amounts(text)
    assert (amount.value, amount.currency) == (Decimal(value), currency)


@pytest.mark.parametrize(("text", "days"), [
    ("in the past 24 hours", 1), ("over the previous week", 7),
    ("in less than two months", 60), ("over the past 72 hours", 3),
    ("the seven days to December 13", 7), ("earlier in the day", None),
])
def test_periods(text, days):
    assert find_period_days(text) == days


def test_people_tickers_and_relative_dates_make_one_sourced_candidate():
    text = ("CZ said on Twitter that Binance saw net outflows of about $1.14 billion in the "
            "past 24 hours, and that withdrawals were processed as usual by the exchange.")
    (candidate,) = read_article(text, published=TUESDAY)
    assert candidate.counterparty == "binance"
    assert candidate.category is Category.OUTFLOW_SURGE
    assert candidate.amount_usd == Decimal("1140000000")
    assert candidate.period_days == 1
    assert candidate.date == TUESDAY and not candidate.date_stated
    spans = [candidate.evidence[s:e] for s, e in candidate.highlights]
    assert "net outflows" in spans and "Binance" in spans and "$1.14 billion" in spans


def test_the_subject_named_nearest_the_trigger_is_the_custodian():
    text = ("BlockFi paused withdrawals on Thursday, citing its exposure to FTX and Alameda "
            "Research, and asked clients not to deposit.")
    (candidate,) = read_article(text, published=date(2022, 11, 11))
    assert (candidate.counterparty, candidate.category) == ("blockfi", Category.WITHDRAWAL_HALT)
    assert candidate.date == date(2022, 11, 10)


def test_a_negated_trigger_is_not_an_event():
    text = ("Kraken said it had not halted withdrawals and that customers could move their "
            "funds as normal throughout the weekend.")
    assert read_article(text, published=TUESDAY) == []


def test_an_article_without_a_custodian_gives_nothing():
    text = "Hackers drained $5 million from a decentralised lending protocol on Monday, it said."
    assert read_article(text, published=TUESDAY) == []


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("Binance hacked", "too short"),
    ("PK\x03\x04\x00\x00binary zip body with withdrawals halted at Binance", "binary"),
    ("Binance a suspendu les retraits lundi après une attaque contre ses portefeuilles "
     "chauds, selon un communiqué publié par la plateforme.", "English"),
    ("币安周一暂停了提款，称其热钱包遭到攻击，损失约四千万美元。" * 3, "English"),
])
def test_text_that_is_not_an_english_article_is_refused(text, message):
    with pytest.raises(NewsError, match=message):
        read_article(text, published=TUESDAY)


def test_huge_text_is_refused():
    with pytest.raises(NewsError, match="longer than"):
        read_article("Binance halted withdrawals. " * 20_000, published=TUESDAY)
