"""How a message leaves: an email through SMTP (or into the local outbox when no server is set), a webhook as a
Standard Webhooks POST (https://www.standardwebhooks.com/, signed with the `standardwebhooks` package)."""
from __future__ import annotations

import smtplib
import socket
from dataclasses import dataclass
from email.message import EmailMessage

import requests
from standardwebhooks import Webhook

from adapters.store_session import store_session
from adapters.store_urls import StoreUrlError
from integration.db.base import utcnow
from integration.settings import Settings


class SendError(Exception):
    """A message that did not go; `retryable` says whether a later try may work. Never carries an address."""

    def __init__(self, message: str, retryable: bool = True, status: int | None = None,
                 retry_after: float | None = None):
        super().__init__(message)
        self.retryable, self.status, self.retry_after = retryable, status, retry_after


@dataclass(frozen=True)
class Outgoing:
    """What one send needs, read from the row before the call (no session is held across it)."""
    channel: str
    dedupe_key: str
    body: str
    recipient: str | None = None
    subject: str | None = None
    url: str | None = None
    secret: str | None = None


def send_email(settings: Settings, out: Outgoing) -> tuple[str, int | None]:
    """Send through SMTP; with no SMTP host the row itself is the local outbox ("local"). (transport, code)."""
    if not settings.smtp_host:
        return "local", None
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = settings.smtp_from, out.recipient, out.subject
    mail["Message-ID"] = f"<{out.dedupe_key}@returnkit>"   # the same on a retry: receivers can drop the twin
    mail.set_content(out.body)
    try:
        with _smtp(settings) as server:
            server.send_message(mail)
    except smtplib.SMTPResponseException as exc:   # 4xx: try again later; 5xx: the server will never take it
        raise SendError(f"SMTP {exc.smtp_code}", retryable=exc.smtp_code < 500, status=exc.smtp_code) from None
    except smtplib.SMTPRecipientsRefused:
        raise SendError("SMTP: the server refused the recipient", retryable=False) from None
    except (smtplib.SMTPException, OSError) as exc:   # its text may echo the address: only the type is kept
        raise SendError(f"SMTP: {type(exc).__name__}") from None
    return "smtp", None


def _smtp(settings: Settings) -> smtplib.SMTP:
    timeout = settings.http_timeout
    if settings.smtp_security == "ssl":
        server = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout)
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        if settings.smtp_security == "starttls":
            server.starttls()
    if settings.smtp_username:
        server.login(settings.smtp_username, settings.smtp_password)
    return server


def signed_headers(secret: str, msg_id: str, body: str) -> dict[str, str]:
    """The Standard Webhooks headers for this body, signed now (a retry is signed again, with the same id)."""
    now = utcnow()
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(secret).sign(msg_id, now, body),
            "content-type": "application/json", "user-agent": "returnkit-webhooks"}


def send_webhook(settings: Settings, out: Outgoing) -> tuple[str, int | None]:
    """POST the signed body; 2xx is delivered, anything else (a redirect too) is tried again. (transport, code)."""
    session = store_session(settings.allow_private_store_urls)   # public addresses only, checked at connect time
    try:
        response = session.post(out.url, data=out.body.encode(), headers=signed_headers(out.secret, out.dedupe_key,
                                                                                        out.body),
                                timeout=settings.http_timeout)
    except StoreUrlError as exc:
        raise SendError(str(exc)[:300], retryable="redirect" in str(exc)) from None
    except (requests.Timeout, socket.timeout):
        raise SendError(f"no answer within {settings.http_timeout:g} s") from None
    except requests.RequestException as exc:
        raise SendError(f"could not connect: {type(exc).__name__}") from None
    finally:
        session.close()
    response.close()
    if not 200 <= response.status_code < 300:
        raise SendError(f"HTTP {response.status_code}", status=response.status_code,
                        retry_after=_seconds(response.headers.get("Retry-After")))
    return "http", response.status_code


def _seconds(value: str | None) -> float | None:
    return float(value) if value and value.strip().isdigit() else None


def send(settings: Settings, out: Outgoing) -> tuple[str, int | None]:
    """Send one message by its channel."""
    return send_email(settings, out) if out.channel == "email" else send_webhook(settings, out)
