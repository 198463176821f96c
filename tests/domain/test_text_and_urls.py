"""domain.text (control characters, terminal output, CSV cells) and domain.urls (proxies, logins)."""

from __future__ import annotations

import json

import pytest

from exposure_app.domain.text import (
    clean_line,
    clean_text,
    json_terminal_safe,
    neutralise_cell,
    restore_cell,
    terminal_safe,
)
from exposure_app.domain.urls import (
    ProxyUrlError,
    UrlCredentials,
    join_credentials,
    split_credentials,
    validate_api_url,
    validate_proxy_url,
)


def test_clean_line_drops_controls_and_folds_breaks():
    assert clean_line(" Main\x1b[31m\r\nwallet\x07\u202e ") == "Main[31m wallet"


def test_clean_text_keeps_line_breaks_only():
    assert clean_text("a\r\nb\x1b\tc\x9b") == "a\nb\tc"


def test_terminal_safe_shows_every_control_as_an_escape():
    shown = terminal_safe("x\x1b]0;t\x07\ry\n\u202ez\x9b")
    assert shown == "x\\x1b]0;t\\x07\\ry\n\\u202ez\\x9b"
    assert terminal_safe("a\nb", keep_newlines=False) == "a\\nb"


def test_json_terminal_safe_is_the_same_json_value():
    value = {"name": "a\x9bb\u202ec"}
    text = json_terminal_safe(json.dumps(value, ensure_ascii=False))
    assert "\x9b" not in text and "\u202e" not in text
    assert json.loads(text) == value


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "plain", "'quoted"])
def test_neutralised_cells_read_back_as_written(cell):
    assert restore_cell(neutralise_cell(cell)) == cell


def test_the_one_ambiguous_cell_is_documented():
    # text that itself starts with ' and a formula character reads back without its quote
    assert restore_cell(neutralise_cell("'=x")) == "=x"


@pytest.mark.parametrize("url", ["not a url", "file:///etc/passwd", "ftp://h:21", "socks4://h:1",
                                 "http://", "http://h:99999", "http://a b:1"])
def test_bad_proxies_are_refused(url):
    with pytest.raises(ProxyUrlError):
        validate_proxy_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:3128", "https://proxy.example:443",
                                 "socks5://127.0.0.1:1080", "socks5h://127.0.0.1:9050"])
def test_good_proxies_pass(url):
    assert validate_proxy_url(f" {url} ") == url


def test_api_url_must_be_http():
    assert validate_api_url("https://api.example") == "https://api.example"
    with pytest.raises(ValueError, match="API URL"):
        validate_api_url("socks5://h:1")


def test_logins_split_and_join_back():
    bare, login = split_credentials("http://us%40r:p%3Ass@host:8080/x")
    assert bare == "http://host:8080/x"
    assert login == UrlCredentials("us@r", "p:ss")
    assert "p:ss" not in repr(login)
    assert UrlCredentials.from_text(login.to_text()) == login
    assert join_credentials(bare, login) == "http://us%40r:p%3Ass@host:8080/x"
    assert split_credentials("http://host:1") == ("http://host:1", None)
