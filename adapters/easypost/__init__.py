"""EasyPost: return shipments and their labels, through EasyPost's own Python client; its tracker webhooks."""
from __future__ import annotations

from dataclasses import dataclass

from adapters.easypost import topics as topic_table
from adapters.easypost import verify


@dataclass(frozen=True)
class Carrier:
    """A label service whose webhooks tell how a return parcel travels (not a shop's platform)."""
    name: str
    title: str
    topics: dict
    ignored_topics: frozenset
    signature_header: str
    verify: object     # (headers, body, secrets) -> Verification


CARRIER = Carrier("easypost", "EasyPost", topic_table.TOPICS, topic_table.IGNORED_TOPICS, verify.SIGNATURE_HEADER,
                  verify.verify)
