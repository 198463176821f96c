"""Reading article files: caps, binaries, encodings, HTML with scripts."""

from __future__ import annotations

from datetime import date

import pytest

from exposure_app.services.news_fetch import MAX_FILE_BYTES, ArticleError, read_bytes, read_file

ARTICLE = ("Bybit said on Friday that an attacker had taken control of one of its ether cold "
           "wallets and moved about $1.46 billion of ETH out of it.")


def test_a_file_over_the_cap_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Binance halted withdrawals. " * (MAX_FILE_BYTES // 20))
    with pytest.raises(ArticleError, match="larger than 2 MB"):
        read_file(path)


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"\xff\xd8\xff\xe0 caf\xe9 \xe0 la plage \xff", "not UTF-8"),
])
def test_binary_and_undecodable_files_are_refused(tmp_path, data, message):
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    with pytest.raises(ArticleError, match=message):
        read_file(path)


def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "article.txt"
    path.write_bytes(ARTICLE.encode("utf-16"))
    assert read_file(path).text == ARTICLE


def test_an_html_file_is_reduced_to_its_article(tmp_path):
    html = (f"<html><head><title>Bybit hack</title><meta property='article:published_time' "
            f"content='2025-02-21T20:00:00Z'><script>var x = 'Kraken files for bankruptcy';"
            f"</script></head><body><nav>Home</nav><article><p>{ARTICLE}</p><p>The exchange "
            f"said client assets were backed one to one and that withdrawals kept working."
            f"</p></article></body></html>")
    path = tmp_path / "bybit.html"
    path.write_text(html, encoding="utf-8")
    article = read_file(path)
    assert article.published == date(2025, 2, 21) and article.source == "bybit.html"
    assert ARTICLE in article.text and "Kraken" not in article.text
    # pasted HTML is recognised as HTML too
    assert "Kraken" not in read_bytes(html.encode(), "pasted text").text
