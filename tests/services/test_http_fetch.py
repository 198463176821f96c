"""services.http_fetch against loopback servers: deadlines, caps, redirects, proxies."""

from __future__ import annotations

import time

import pytest

from exposure_app.emulator.http_faults import CountingHttpProxy, CountingSocks5Proxy, FaultServer
from exposure_app.services.http_fetch import FetchError, fetch


@pytest.fixture
def server():
    with FaultServer(body=b'{"ok": true}', content_type="application/json") as s:
        yield s


def test_small_answer_is_returned(server):
    got = fetch(server.url + "/ok", max_bytes=1000, total_timeout=5)
    assert got.status == 200
    assert got.body == b'{"ok": true}'
    assert got.content_type == "application/json"
    assert got.final_url == server.url + "/ok"


def test_dripping_server_hits_the_whole_download_deadline(server):
    server.drip_interval = 0.5  # each read succeeds: only a whole-download deadline stops it
    started = time.monotonic()
    with pytest.raises(FetchError, match="within 2 s"):
        fetch(server.url + "/drip", max_bytes=10_000_000, total_timeout=2)
    assert time.monotonic() - started < 4


def test_huge_body_stops_at_the_cap(server):
    with pytest.raises(FetchError, match="larger than 100000 bytes"):
        fetch(server.url + "/huge", max_bytes=100_000, total_timeout=20)


def test_declared_length_over_the_cap_is_refused_before_reading(server):
    server.body = b"x" * 5000
    with pytest.raises(FetchError, match="larger than 100 bytes"):
        fetch(server.url + "/ok", max_bytes=100, total_timeout=5)


def test_redirect_to_another_http_host_is_refused(server):
    with FaultServer() as other:
        with pytest.raises(FetchError, match="refused a redirect"):
            fetch(f"{server.url}/redirect?to={other.url}/ok", max_bytes=1000, total_timeout=5)
        assert other.paths == []


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/x", "file:///etc/passwd",
                                    "gopher://127.0.0.1:70/"])
def test_redirect_to_another_scheme_is_refused(server, target):
    with pytest.raises(FetchError, match="refused a redirect"):
        fetch(f"{server.url}/redirect?to={target}", max_bytes=1000, total_timeout=5)


def test_redirect_within_allowed_origin_is_followed(server):
    with FaultServer(body=b"there") as other:
        got = fetch(f"{server.url}/redirect?to={other.url}/ok", max_bytes=1000, total_timeout=5,
                    allowed_origins=(other.url,))
    assert got.body == b"there"
    assert got.final_url == other.url + "/ok"


def test_redirect_loop_ends(server):
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(server.url + "/loop", max_bytes=1000, total_timeout=5, allowed_origins=(server.url,))


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "not a url", ""])
def test_non_http_urls_are_refused(url):
    with pytest.raises(FetchError, match="not an http"):
        fetch(url, max_bytes=10, total_timeout=1)


@pytest.mark.parametrize("proxy", ["not a url", "file:///etc/passwd", "ftp://127.0.0.1:21"])
def test_bad_proxy_is_refused_with_one_line(server, proxy):
    with pytest.raises(FetchError) as caught:
        fetch(server.url + "/ok", max_bytes=1000, total_timeout=5, proxy=proxy)
    assert "proxy" in str(caught.value) and "\n" not in str(caught.value)
    assert server.paths == []


def test_http_proxy_carries_the_request(server):
    with CountingHttpProxy() as proxy:
        got = fetch(server.url + "/ok", max_bytes=1000, total_timeout=5, proxy=proxy.url)
    assert got.body == b'{"ok": true}'
    assert proxy.requests == 1
    assert proxy.targets == [f"GET {server.url}/ok"]


def test_socks5_proxy_carries_the_request(server):
    with CountingSocks5Proxy() as proxy:
        got = fetch(server.url + "/ok", max_bytes=1000, total_timeout=5, proxy=proxy.url)
    assert got.body == b'{"ok": true}'
    assert proxy.targets == [f"127.0.0.1:{server.port}"]


def test_unreachable_proxy_is_one_line():
    with pytest.raises(FetchError) as caught:
        fetch("http://127.0.0.1:9/ok", max_bytes=10, total_timeout=5, proxy="http://127.0.0.1:1")
    assert "\n" not in str(caught.value)


def test_http_error_status(server):
    with FaultServer() as s:
        s.server.RequestHandlerClass.do_GET = lambda self: self.send_error(404)
        with pytest.raises(FetchError, match="HTTP 404"):
            fetch(s.url + "/missing", max_bytes=1000, total_timeout=5)


def test_credentials_never_appear_in_messages():
    with pytest.raises(FetchError) as caught:
        fetch("http://user:hunter2@127.0.0.1:1/x", max_bytes=10, total_timeout=5)
    assert "hunter2" not in str(caught.value)
