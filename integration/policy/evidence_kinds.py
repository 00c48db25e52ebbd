"""Evidence kinds the merchant defines (`evidence_kinds`): a label, and the file types taken or a written answer."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from marshmallow import ValidationError, fields, validate, validates_schema

from integration.contract.fields import Bool, Choice, StrictSchema
from integration.domain import vocabulary as vocab

# The types a file's own first bytes are recognised as (integration/requests/evidence_types.py reads them).
FILE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf",
              "video/mp4", "video/quicktime", "video/webm")
# Names the request forms and the API already give other fields: a kind so named would clash with them there.
FORM_NAMES = frozenset({"videos", "payload", "nonce", "csrf_token", "type", "reason", "email", "shop", "order_id",
                        "request", "preferred_resolution", "provided"})
MAX_TEXT = 500   # characters of a written answer
MAX_KINDS = 20   # each is a field of the customer's form
_ID = re.compile(r"[a-z0-9_]{1,40}")


@dataclass(frozen=True, slots=True)
class EvidenceKind:
    id: str
    label: str                      # the merchant's words, shown to the customer
    files: tuple[str, ...] = ()     # the media types taken; empty for a written answer
    text: bool = False              # a written answer (a tracking number, a serial number), no file


class EvidenceKindSchema(StrictSchema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "doc": "what the customer is asked for, e.g. 'A photo of the packing slip'"})
    files = fields.List(Choice(FILE_TYPES, "evidence file type"), validate=validate.Length(min=1),
                        metadata={"doc": "the file types taken, read from the file's bytes"})
    text = Bool(metadata={"doc": "a written answer instead of a file"})

    @validates_schema
    def files_or_text(self, data, **_kwargs):
        """A kind is an upload of some file types or a written answer, never both or neither."""
        if bool(data.get("files")) == bool(data.get("text")):
            raise ValidationError("give either `files: [image/jpeg, application/pdf]` (an upload) or `text: true` "
                                  "(a written answer)")


def compile_kinds(doc: Mapping[str, dict], error: Callable[[str, str], None]) -> dict[str, EvidenceKind]:
    """The document's kinds by id; `error(path, message)` for an id that is malformed or taken."""
    out = {}
    if len(doc) > MAX_KINDS:
        error("evidence_kinds", f"{len(doc)} kinds; a policy may define at most {MAX_KINDS}, each a field of the "
                                "customer's form: merge kinds that ask for the same thing")
    for name, kind in doc.items():
        path = f"evidence_kinds.{name}"
        if name in vocab.EVIDENCE_KINDS:
            error(path, f"{name!r} is a built-in evidence kind; rules ask for it as it is, so give yours another id")
        elif name in FORM_NAMES:
            error(path, f"{name!r} is the name of another field of the request forms; choose another id")
        elif not _ID.fullmatch(name):
            error(path, f"{name!r} is not a valid evidence kind id; use lower case letters, digits and '_' "
                        "(at most 40), e.g. 'packing_slip'")
        else:
            out[name] = EvidenceKind(name, kind["label"].strip(), tuple(kind.get("files", ())),
                                     kind.get("text", False))
    return out


def asked_kinds(policy) -> tuple[EvidenceKind, ...]:
    """The merchant's kinds some rule asks for, in the order they are defined."""
    asked = {name for rule in policy.rules for name in rule.evidence}
    return tuple(kind for name, kind in policy.evidence_kinds.items() if name in asked)


def unasked_kinds(policy) -> list[str]:
    """policy check's lint: each defined kind no rule asks for (customers are never asked for it)."""
    asked = {kind.id for kind in asked_kinds(policy)}
    return [f"evidence_kinds.{name}: no rule asks for it, so customers are never asked for it; add it to a rule's "
            "`evidence` or remove it" for name in policy.evidence_kinds if name not in asked]


def in_a_sentence(label: str) -> str:
    """The label inside a sentence: 'A photo of the slip' -> 'a photo of the slip' ('IMEI number' stays)."""
    if label[:1].isupper() and not label[1:2].isupper():
        return label[0].lower() + label[1:]
    return label
