"""The news lexicon is data: every name points at a catalogue counterparty, every pattern compiles."""

from __future__ import annotations

import json

import pytest

from exposure_app.resource_locator import read_resource_text
from exposure_app.risk.catalog import load_directory
from exposure_app.risk.events import CATEGORIES
from exposure_app.risk.news.lexicon import Lexicon, LexiconError, load_lexicon


def test_the_shipped_lexicon_covers_every_category_and_known_names():
    data = json.loads(read_resource_text("news_lexicon.json"))
    named = {spec.get("category", key) for key, spec in data["categories"].items()}
    # token_drawdown is derived from prices only, never read from news.
    assert named == set(CATEGORIES) - {"token_drawdown"}
    lexicon = load_lexicon()
    assert lexicon.names["CZ"] == "binance" and lexicon.names["Huobi"] == "htx"
    assert lexicon.tickers["BUSD"] == "paxos"       # a stablecoin belongs to its issuer
    assert lexicon.tickers["FTT"] == "ftx"


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["names"].update({"Nobody": "not-a-counterparty"}), "unknown"),
    (lambda d: d["categories"]["hack"]["patterns"].append("(unclosed"), "hack"),
    (lambda d: d.update(version=2), "version 1"),
])
def test_a_broken_lexicon_is_refused_with_the_reason(change, message):
    data = json.loads(read_resource_text("news_lexicon.json"))
    change(data)
    with pytest.raises(LexiconError, match=message):
        Lexicon(data, load_directory())


def test_ordinary_words_are_not_taken_for_custodians():
    lexicon = load_lexicon()
    text = "Bullish traders said liquid markets may derive extended gains from the Delta."
    assert lexicon.find_names(text) == []
