"""Loopback servers for testing bounded fetches and proxies.

* :class:`FaultServer` serves a few hostile answers: ``/drip`` (one byte every
  ``drip_interval`` seconds, forever), ``/huge`` (an endless body),
  ``/redirect?to=URL`` (a 302 to any URL), ``/loop`` (a 302 to itself), ``/ok`` (a small body, or
  ``body`` if set) and ``/json`` (``body`` as JSON).
* :class:`CountingHttpProxy` is a forwarding HTTP proxy (absolute-form
  requests and ``CONNECT`` tunnels) that counts what passes through it.
* :class:`CountingSocks5Proxy` is a SOCKS5 proxy (no authentication,
  ``CONNECT`` only) that counts the connections it opens.

Each runs a ``ThreadingHTTPServer``/``ThreadingTCPServer`` on a daemon thread
bound to 127.0.0.1 on a free port; use them as context managers.
"""

from __future__ import annotations

import base64
import http.client
import select
import socket
import socketserver
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import SplitResult, parse_qs, urlsplit


class _Background:
    server: socketserver.BaseServer

    def __enter__(self):
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.05})
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def port(self) -> int:
        address = self.server.server_address
        assert isinstance(address, tuple)   # an IPv4 (host, port)
        return int(address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class LoopbackHandler(BaseHTTPRequestHandler):
    """What the loopback servers' request handlers share: HTTP/1.1 without a
    request log, whole answers, and the two hostile ones (a drip, an endless body).

    Runs on the server's request thread; a client that hangs up mid-answer
    raises ``BrokenPipeError``/``ConnectionResetError`` for the caller to ignore.
    """

    protocol_version = "HTTP/1.1"
    paths: list[str] | None = None   # where to record each GET's path, if anywhere

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.paths is not None:
            self.paths.append(self.path)
        try:
            self.answer(urlsplit(self.path))
        except (BrokenPipeError, ConnectionResetError):
            pass   # the client hung up mid-answer

    def answer(self, parts: SplitResult) -> None:
        """The answer to a GET of ``parts`` (the request's path and query)."""
        self.send_whole(404, "text/plain", b"not found")

    def send_whole(self, status: int, content_type: str, body: bytes,
                   headers: dict[str, str] | None = None) -> None:
        """One complete answer with its length."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def send_drip(self, *, content_type: str, declared_length: int, interval: float) -> None:
        """Answer 200 with a ``declared_length`` body sent one byte every ``interval``
        seconds, until the client gives up: a per-read timeout never fires, only a
        whole-download one."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(declared_length))
        self.end_headers()
        while True:
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(interval)

    def send_endless(self, *, content_type: str, chunk: bytes, repeat: int,
                     head: bytes = b"") -> None:
        """Answer 200 without a length: ``head``, then ``chunk`` ``repeat`` times; the
        body ends when the connection does."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.end_headers()
        self.wfile.write(head)
        for _ in range(repeat):
            self.wfile.write(chunk)
        self.close_connection = True


class FaultServer(_Background):
    def __init__(self, *, body: bytes = b"hello", content_type: str = "text/plain",
                 drip_interval: float = 2.0) -> None:
        outer = self
        self.body = body
        self.content_type = content_type
        self.drip_interval = drip_interval
        self.paths: list[str] = []

        class Handler(LoopbackHandler):
            paths = self.paths

            def answer(self, parts: SplitResult) -> None:
                if parts.path == "/drip":
                    self.send_drip(content_type="application/json",
                                   declared_length=1_000_000, interval=outer.drip_interval)
                elif parts.path == "/huge":
                    self.send_endless(content_type="application/json", chunk=b" " * 65536,
                                      repeat=100_000)
                elif parts.path in ("/redirect", "/loop"):
                    target = ("/loop" if parts.path == "/loop"
                              else parse_qs(parts.query)["to"][0])
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.send_whole(200, outer.content_type, outer.body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True


def _pipe(a: socket.socket, b: socket.socket) -> None:
    sockets = [a, b]
    try:
        while True:
            readable, _, _ = select.select(sockets, [], [], 30)
            if not readable:
                return
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                (b if sock is a else a).sendall(data)
    except OSError:
        return


class CountingHttpProxy(_Background):
    """Counts requests (``requests``), lists their targets (``targets``) and the
    ``user:password`` of each request's Basic ``Proxy-Authorization`` (``logins``)."""

    def __init__(self) -> None:
        outer = self
        self.targets: list[str] = []
        self.logins: list[str | None] = []
        self._lock = threading.Lock()

        class Handler(LoopbackHandler):
            def do_CONNECT(self) -> None:
                outer._count(f"CONNECT {self.path}", self.headers)
                host, _, port = self.path.rpartition(":")
                try:
                    upstream = socket.create_connection((host, int(port)), timeout=10)
                except OSError:
                    self.send_error(502)
                    return
                self.send_response(200, "Connection established")
                self.end_headers()
                _pipe(self.connection, upstream)
                upstream.close()
                self.close_connection = True

            def _forward(self) -> None:
                outer._count(f"{self.command} {self.path}", self.headers)
                parts = urlsplit(self.path)
                if parts.scheme != "http" or not parts.hostname:
                    self.send_error(400, "absolute http URL expected")
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("proxy-connection", "proxy-authorization",
                                                "connection", "keep-alive")}
                conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
                try:
                    path = parts.path or "/"
                    if parts.query:
                        path += "?" + parts.query
                    conn.request(self.command, path, body=body, headers=headers)
                    answer = conn.getresponse()
                    data = answer.read()
                except OSError:
                    self.send_error(502)
                    return
                finally:
                    conn.close()
                self.send_response(answer.status, answer.reason)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    def _count(self, target: str, headers) -> None:
        auth = headers.get("Proxy-Authorization") or ""
        login = None
        if auth.lower().startswith("basic "):
            login = base64.b64decode(auth[6:].strip()).decode("utf-8", "replace")
        with self._lock:
            self.targets.append(target)
            self.logins.append(login)

    @property
    def requests(self) -> int:
        return len(self.targets)


class CountingSocks5Proxy(_Background):
    """Counts the connections it opened (``connections``, ``targets``)."""

    def __init__(self) -> None:
        outer = self
        self.targets: list[str] = []

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                try:
                    _version, count = sock.recv(2)
                    sock.recv(count)
                    sock.sendall(b"\x05\x00")           # no authentication
                    head = sock.recv(4)
                    if len(head) < 4 or head[1] != 1:   # CONNECT only
                        sock.sendall(b"\x05\x07\x00\x01" + b"\x00" * 6)
                        return
                    kind = head[3]
                    if kind == 1:
                        host = socket.inet_ntoa(sock.recv(4))
                    elif kind == 3:
                        host = sock.recv(sock.recv(1)[0]).decode("idna")
                    else:
                        host = socket.inet_ntop(socket.AF_INET6, sock.recv(16))
                    port = struct.unpack("!H", sock.recv(2))[0]
                    outer.targets.append(f"{host}:{port}")
                    upstream = socket.create_connection((host, port), timeout=10)
                except (OSError, ValueError):
                    return
                sock.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + b"\x00\x00")
                _pipe(sock, upstream)
                upstream.close()

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def connections(self) -> int:
        return len(self.targets)

    @property
    def url(self) -> str:
        return f"socks5://127.0.0.1:{self.port}"
