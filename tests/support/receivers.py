"""Real receivers on 127.0.0.1 for the notification tests: an HTTP server and an SMTP server.

Nothing is mocked: statuspress opens real sockets to these. The HTTP receiver records every
request and can answer the first N with an error, hang on the first N (for timeouts), or call
a hook before answering (a test kills the sender there to crash it between send and record).
"""

from __future__ import annotations

import email
import email.policy
import os
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpReceiver:
    fail_first: int = 0
    fail_status: int = 500
    hang_first: int = 0
    hang_seconds: float = 3.0
    delay: float = 0.0
    before_answer: Callable[[Request], None] | None = None
    requests: list[Request] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _count: int = 0

    def __enter__(self) -> HttpReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", "0"))
                req = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                with receiver._lock:
                    receiver._count += 1
                    n = receiver._count
                    receiver.requests.append(req)
                if n <= receiver.hang_first:
                    time.sleep(receiver.hang_seconds)
                if receiver.delay:
                    time.sleep(receiver.delay)
                if receiver.before_answer is not None:
                    receiver.before_answer(req)
                status = receiver.fail_status if n <= receiver.fail_first else 200
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def bodies(self, path: str | None = None) -> list[bytes]:
        return [r.body for r in self.requests if path is None or r.path == path]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (trusted by the sender through SSL_CERT_FILE)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpReceiver:
    """aiosmtpd on 127.0.0.1: STARTTLS (``implicit_tls=False``) or TLS from the first byte, with login."""

    def __init__(self, folder: Path, *, implicit_tls: bool = False, user: str = "status", password: str = "s3cret"):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.cert, key = make_certificate(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        self.user, self.password, self.port = user, password, free_port()
        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                receiver.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                receiver.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
                return "250 OK"

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == user.encode() and auth_data.password == password.encode()
            return AuthResult(success=ok)

        kwargs: dict[str, Any] = {"authenticator": authenticate, "auth_require_tls": True}
        if implicit_tls:
            # TLS from the first byte; aiosmtpd only counts STARTTLS as TLS for auth_require_tls.
            kwargs.update(ssl_context=context, auth_require_tls=False)
            self.scheme = "smtps"
        else:
            kwargs.update(tls_context=context, require_starttls=True)
            self.scheme = "smtp"
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> SmtpReceiver:
        # The controller's readiness probe must trust the certificate too.
        self._old = os.environ.get("SSL_CERT_FILE")
        os.environ["SSL_CERT_FILE"] = str(self.cert)
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
        if self._old is None:
            os.environ.pop("SSL_CERT_FILE", None)
        else:
            os.environ["SSL_CERT_FILE"] = self._old

    def url(self) -> str:
        return f"{self.scheme}://{self.user}:{self.password}@127.0.0.1:{self.port}"
