"""Rows that only matter until a deadline: pending installs and spent sign-ins, purged once it has passed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from integration.db.models import PendingInstall
from integration.db.signin_models import SpentSignin


def purge_expired(session: Session, now: datetime) -> dict[str, int]:
    """Delete pending installs and spent sign-ins whose expiry has passed; how many of each."""
    # Every `GET /auth?shop=...` and every WooCommerce connect leaves a pending install; past its expiry no
    # callback can claim it, and a spent sign-in past its own the cookie or link it stops is invalid anyway.
    installs = session.execute(delete(PendingInstall).where(PendingInstall.expires_at <= now))
    signins = session.execute(delete(SpentSignin).where(SpentSignin.expires_at <= now))
    return {"pending_installs": installs.rowcount, "spent_signins": signins.rowcount}
