"""A shop's current policy: its stored version and the compiled policy, compiled once per version."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from integration.db.models import PolicyVersion, Shop
from integration.policy.loader import load_policy_text


@lru_cache(maxsize=256)
def _compiled(version_id: int, document: str):
    return load_policy_text(document)


def policy_for(session: Session, shop: Shop) -> tuple[PolicyVersion, object]:
    """The shop's current policy version and its compiled policy (cached per version)."""
    version = session.get(PolicyVersion, shop.policy_version_id)
    return version, _compiled(version.id, version.document)
