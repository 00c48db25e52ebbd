"""Whether an email really reaches a customer: only through a mail server, never from the local outbox."""
from __future__ import annotations


def emails_reach_customers(settings) -> bool:
    """True when a mail server is set (RETURNKIT_SMTP_HOST); without one, emails stay in the local outbox."""
    return bool(settings is not None and settings.smtp_host)


def can_email(settings, order) -> bool:
    """True when an email about this order reaches its customer: a mail server and an address to write to."""
    return emails_reach_customers(settings) and bool(order is not None and order.customer_email)
