"""Human labels for the merchant's pages: a platform event, a rule, a window or any stored key in words, never
the internal name (`orders/updated`, `change-of-mind`, `return_window`)."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from integration.db.models import PolicyVersion, Shop
from integration.policy.compiler import InvalidPolicy
from integration.policy.loader import load_policy_text
from integration.policy.model import Policy
from integration.policy.words import key_words, rule_words  # noqa: F401  (the merchant pages' names for both)
from integration.shops.current_policy import policy_for

_PAST = {"request": "requested", "reopen": "reopened", "redact": "redacted", "process": "processed",
         "cancel": "cancelled", "paid": "paid", "restored": "restored"}
ACTION_STATES = {"pending": "waiting to be sent", "running": "being sent", "succeeded": "succeeded",
                 "retrying": "failed, will be tried again", "dead": "failed for good", "shadowed": "not sent"}
DELIVERY_STATES = {"received": "received, not handled yet", "processed": "handled", "ignored": "nothing to do",
                   "failed": "could not be handled"}
SUBSCRIPTION_STATES = {"active": "working", "missing": "not registered", "disabled": "switched off",
                       "paused": "paused"}
MESSAGE_STATES = {"pending": "waiting to be sent", "running": "being sent", "succeeded": "sent",
                  "retrying": "failed, will be tried again", "dead": "failed for good", "skipped": "not sent"}
OUTCOMES = {"approved": "approved", "denied": "denied", "needs_evidence": "waiting for evidence",
            "needs_review": "left to your review"}


def outcome_words(outcome: str | None) -> str:
    """A decision's outcome as the merchant reads it: "needs_review" → "left to your review"."""
    return OUTCOMES.get(outcome or "", key_words(outcome))


def _singular(noun: str) -> str:
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def _past(verb: str) -> str:
    if "_" in verb:   # already a phrase: "partially_fulfilled", "placed_on_hold"
        return key_words(verb)
    if verb in _PAST:
        return _PAST[verb]
    return verb + "d" if verb.endswith("e") else verb


def topic_words(topic: str, platform_title: str) -> str:
    """What a platform event says happened: "orders/updated" → "Shopify: order updated"."""
    resource, sep, verb = topic.replace(".", "/").partition("/")
    if not sep:
        return f"{platform_title}: {key_words(topic)}"
    return f"{platform_title}: {key_words(_singular(resource))} {_past(verb)}"


@lru_cache(maxsize=64)
def _compiled(version_id: int, document: str) -> Policy | None:
    try:
        return load_policy_text(document)
    except InvalidPolicy:   # an old version the language no longer reads: its rules are named by their keys
        return None


class RuleNamer:
    """Rules in words, each read in the policy version that used it (the shop's current one when not known)."""

    def __init__(self, session: Session, shop: Shop):
        self.session, self.shop = session, shop
        self.current = policy_for(session, shop)[1] if shop.policy_version_id else None

    def policy(self, version_pk: int | None) -> Policy | None:
        """The compiled policy of one of the shop's versions (the current one for None or another shop's)."""
        version = self.session.get(PolicyVersion, version_pk) if version_pk else None
        if version is None or version.shop_id != self.shop.id or version.id == self.shop.policy_version_id:
            return self.current
        return _compiled(version.id, version.document)

    def __call__(self, rule_id: str | None, version_pk: int | None = None) -> str:
        """The rule's words, as rule_words says."""
        return rule_words(self.policy(version_pk), rule_id) if rule_id else ""


def count_words(count, noun: str) -> str:
    """"1 photo", "2 photos", "no video": a count with its noun, for people."""
    count = int(count or 0)
    return f"no {noun}" if count == 0 else f"{count} {noun}" + ("" if count == 1 else "s")


def message_state_words(state: str | None) -> str:
    """An email's or webhook's delivery state in words: "dead" → "failed for good"."""
    return MESSAGE_STATES.get(state or "", key_words(state))
