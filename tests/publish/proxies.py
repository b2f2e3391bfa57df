"""Real network pieces between the client and the real S3 server: a fault-injecting reverse
proxy (optionally behind TLS) and a CONNECT tunnel proxy, as companies run."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import select
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit


class FaultyProxy(http.server.ThreadingHTTPServer):
    """Forwards to the real S3 server, but answers some requests with a fault first.

    `plan` maps the n-th request (1-based) to a fault, `always` faults every request, and
    `when(method, path)` picks the requests `always` applies to. Faults: "slowdown" (503
    SlowDown), "throttle" (429), "internal" (500 InternalError), "drop" (connection closed
    without an answer), "moved" (301 naming another region, as AWS answers a request signed
    for the wrong one)."""

    daemon_threads = True

    def __init__(self, upstream: str, plan: dict[int, str] | None = None, always: str | None = None, when=None):
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream, self.plan, self.always, self.when = urlsplit(upstream).netloc, plan or {}, always, when
        self.count, self.faults, self.connections, self.lock = 0, [], 0, threading.Lock()
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "FaultyProxy":
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def with_tls(self, cert: Path, key: Path) -> "FaultyProxy":
        """Serve https with this certificate instead of plain http."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.endpoint = self.endpoint.replace("http://", "https://")
        return self

    def get_request(self):
        with self.lock:
            self.connections += 1
        return super().get_request()

    def fault_for(self, method: str, path: str) -> str | None:
        with self.lock:
            self.count += 1
            fault = self.plan.get(self.count)
            if self.always and (self.when is None or self.when(method, path)):
                fault = self.always
            if fault:
                self.faults.append((fault, method, path))
            return fault


ERRORS = {"slowdown": (503, "SlowDown", "Please reduce your request rate."),
          "throttle": (429, "TooManyRequestsException", "Please reduce your request rate."),
          "internal": (500, "InternalError", "We encountered an internal error. Please try again.")}


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _any(self):
        server: FaultyProxy = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fault = server.fault_for(self.command, self.path)
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == "moved":
            self.reply(301, b"<Error><Code>PermanentRedirect</Code><Message>Use the right endpoint.</Message></Error>",
                       {"x-amz-bucket-region": "eu-west-1"})
            return
        if fault in ERRORS:
            status, code, message = ERRORS[fault]
            self.reply(status, f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode())
            return
        conn = http.client.HTTPConnection(server.upstream, timeout=30)
        conn.request(self.command, self.path, body=body or None, headers=dict(self.headers))
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        self.reply(answer.status, data, {name: value for name, value in answer.getheaders() if name.lower() not in
                                         ("content-length", "connection", "transfer-encoding", "date", "server")})

    def reply(self, status: int, data: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any


class ConnectProxy(http.server.ThreadingHTTPServer):
    """A real CONNECT tunnel proxy; records the tunnels it opened."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _TunnelHandler)
        self.tunnels: list[str] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _TunnelHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_CONNECT(self):
        host, port = self.path.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        self.server.tunnels.append(self.path)
        self.send_response(200, "Connection established")
        self.end_headers()
        ends = [self.connection, upstream]
        while True:
            ready, _, _ = select.select(ends, [], [], 10)
            if not ready:
                break
            for end in ready:
                data = end.recv(65536)
                if not data:
                    upstream.close()
                    return
                (upstream if end is self.connection else self.connection).sendall(data)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, trusted by nobody unless told."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


class WebsiteFront(http.server.ThreadingHTTPServer):
    """What a static website endpoint or a CDN does in front of a bucket: anonymous GETs only,
    and a folder URL answered with the folder's index.html. Forwards to the real S3 server,
    unsigned, so the bucket's own rules for anonymous readers decide."""

    daemon_threads = True

    def __init__(self, upstream: str):
        super().__init__(("127.0.0.1", 0), _WebsiteHandler)
        self.upstream = urlsplit(upstream).netloc
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _WebsiteHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path + "index.html" if self.path.endswith("/") else self.path
        conn = http.client.HTTPConnection(self.server.upstream, timeout=30)
        headers = {name: value for name, value in self.headers.items() if name.lower() == "range"}
        conn.request("GET", path, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.getheader("Content-Type") or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class SilentServer:
    """A TCP server that accepts every connection and reads what comes, but never answers:
    a hung service, or a firewall that swallows requests. Counts the connections."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self._swallow, args=(conn,), daemon=True).start()

    @staticmethod
    def _swallow(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while conn.recv(65536):
                pass

    def close(self) -> None:
        self.closed.set()
        self.listener.close()
        for conn in self.connections:
            with contextlib.suppress(OSError):
                conn.close()


class SlowLink:
    """A TCP forwarder to the real S3 server that carries the client's bytes at `rate`
    bytes a second, as a slow office line does; the answers come back at full speed."""

    def __init__(self, upstream: str, rate: int):
        self.upstream, self.rate = urlsplit(upstream).netloc, rate
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)   # no deep buffers on the way
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.carried = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            host, port = self.upstream.rsplit(":", 1)
            try:
                server = socket.create_connection((host, int(port)))
            except OSError:   # the server is down: so is the line
                client.close()
                continue
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, slow: bool) -> None:
        block = max(1, self.rate // 20)
        with contextlib.suppress(OSError):
            while data := source.recv(block if slow else 65536):
                sink.sendall(data)
                if slow:
                    self.carried += len(data)
                    time.sleep(len(data) / self.rate)   # the line's speed, not a wait for anything
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.listener.close()
