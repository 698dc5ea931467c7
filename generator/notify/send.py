"""Delivery over HTTP (webhooks) and SMTP (email), with retries.

Retried, with doubling pauses: timeouts, refused or dropped connections, HTTP 5xx and 429
(after its Retry-After, at most 30 s), SMTP 4xx. Not retried: other HTTP 3xx/4xx (the URL or
the payload is wrong; sending again changes nothing) and SMTP 5xx. Error texts never include
the URL or credentials: they come from environment variables because they are secret.
"""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from generator import __version__

ATTEMPTS = 4
FIRST_PAUSE = 0.5  # seconds; then 1, 2
MAX_RETRY_AFTER = 30.0
USER_AGENT = f"statuspress/{__version__} (+notify)"


@dataclass(frozen=True)
class Delivery:
    ok: bool
    attempts: int
    detail: str  # "HTTP 204", "timed out", ...


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A webhook that redirects is misconfigured; following would turn the POST into a GET.
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the exact body bytes, keyed with the secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _pause(attempt: int, retry_after: float | None) -> None:
    delay = FIRST_PAUSE * 2 ** (attempt - 1)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    time.sleep(delay)


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Delivery:
    detail = ""
    for attempt in range(1, ATTEMPTS + 1):
        retry_after: float | None = None
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, **headers})
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                response.read(65536)
                return Delivery(True, attempt, f"HTTP {response.status}")
        except urllib.error.HTTPError as exc:
            detail = f"HTTP {exc.code}"
            if exc.code == 429:
                try:
                    retry_after = float(exc.headers.get("Retry-After", ""))
                except ValueError:
                    retry_after = None
            elif not 500 <= exc.code < 600:
                return Delivery(False, attempt, detail + " (not retried: check the URL and the channel type)")
        except TimeoutError:
            detail = f"timed out after {timeout:g} s"
        except urllib.error.URLError as exc:
            reason = exc.reason
            detail = "timed out" if isinstance(reason, TimeoutError) else \
                f"connection failed ({reason.__class__.__name__}: {getattr(reason, 'strerror', '') or reason})"
        except (ConnectionError, OSError) as exc:
            detail = f"connection failed ({exc.__class__.__name__})"
        if attempt < ATTEMPTS:
            _pause(attempt, retry_after)
    return Delivery(False, ATTEMPTS, f"{detail} ({ATTEMPTS} attempts)")


def smtp_url_problem(url: str) -> str | None:
    """Why ``url`` is not a usable SMTP URL (never quoting it: it holds a password), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        return "must start with smtp:// (STARTTLS) or smtps:// (TLS)"
    if not parts.hostname:
        return "has no host"
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "has a port that is not a number"
    return None


def build_email(sender: str, to: tuple[str, ...], subject: str, text: str, html: str, message_id: str,
                date: object) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = format_datetime(date)  # type: ignore[arg-type]
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def send_email(url: str, msg: EmailMessage, timeout: float) -> Delivery:
    parts = urlsplit(url)
    host = parts.hostname or ""
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else ""
    context = ssl.create_default_context()
    detail = ""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            if parts.scheme == "smtps":
                client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout, context=context)
            else:
                client = smtplib.SMTP(host, parts.port or 587, timeout=timeout)
            with client:
                if parts.scheme == "smtp":
                    try:
                        client.starttls(context=context)  # required: credentials never go in clear
                    except smtplib.SMTPNotSupportedError:
                        return Delivery(False, attempt, "the server does not offer STARTTLS "
                                        "(use smtps:// if it speaks TLS from the start)")
                if user:
                    try:
                        client.login(user, password)
                    except smtplib.SMTPNotSupportedError:
                        return Delivery(False, attempt, "the server offers no login (AUTH); "
                                        "leave user:password out of the URL")
                client.send_message(msg)
            return Delivery(True, attempt, "accepted by the SMTP server")
        except smtplib.SMTPAuthenticationError as exc:
            return Delivery(False, attempt, f"login refused (SMTP {exc.smtp_code})")
        except smtplib.SMTPRecipientsRefused:
            return Delivery(False, attempt, "every recipient was refused")
        except smtplib.SMTPResponseException as exc:
            detail = f"SMTP {exc.smtp_code}"
            if not 400 <= exc.smtp_code < 500:
                return Delivery(False, attempt, detail + " (permanent, not retried)")
        except ssl.SSLError as exc:
            return Delivery(False, attempt, f"TLS failed ({exc.reason or exc.__class__.__name__})")
        except TimeoutError:
            detail = f"timed out after {timeout:g} s"
        except (smtplib.SMTPException, OSError) as exc:
            detail = f"connection failed ({exc.__class__.__name__})"
        if attempt < ATTEMPTS:
            _pause(attempt, None)
    return Delivery(False, ATTEMPTS, f"{detail} ({ATTEMPTS} attempts)")
