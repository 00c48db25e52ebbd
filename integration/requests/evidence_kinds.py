"""The merchant's own evidence kinds on a request: files checked from their bytes, written answers, the kinds asked."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.policy.evidence_kinds import MAX_TEXT, EvidenceKind, asked_kinds, in_a_sentence
from integration.requests.evidence import EvidenceError, ValidFile, sanitize_filename
from integration.requests.evidence_types import SNIFF_BYTES, TYPE_NAMES, describe, sniff_any
from integration.settings import EvidenceLimits
from integration.shops.current_policy import policy_for


def shop_kinds(session: Session, shop: Shop) -> tuple[EvidenceKind, ...]:
    """The merchant's own kinds the shop's current policy can ask a customer for."""
    return asked_kinds(policy_for(session, shop)[1])


def kind_words(session: Session, shop: Shop) -> dict[str, str]:
    """Each of the shop's own kinds in words for a sentence ('a photo of the packing slip'), by id."""
    return {kind.id: in_a_sentence(kind.label) for kind in shop_kinds(session, shop)}


def accepted_words(kind: EvidenceKind) -> str:
    """The file types a kind takes, in words: 'JPEG, PNG or PDF'."""
    names = [TYPE_NAMES[t] for t in kind.files]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def size_class(kind: EvidenceKind) -> str:
    """Whose size limit a kind's files have: a video's when it takes videos, a photo's otherwise."""
    return "video" if any(t.startswith("video/") for t in kind.files) else "photo"


def validate_kind_file(field: str, kind: EvidenceKind, filename: str | None, data: bytes,
                       limits: EvidenceLimits) -> ValidFile:
    """One file for a kind: its size, and its type read from its bytes among the kind's; EvidenceError otherwise."""
    what = in_a_sentence(kind.label)
    max_bytes = limits.max_bytes(size_class(kind))
    if len(data) > max_bytes:
        raise EvidenceError([f"{field}: the file is larger than the {max_bytes / 2**20:.1f} MiB {what} may be; "
                             "send a smaller one"], 413)
    if not data:
        raise EvidenceError([f"{field}: the file is empty; attach {what} itself"], 422)
    head = data[:SNIFF_BYTES]
    content_type = sniff_any(head)
    if content_type not in kind.files:
        raise EvidenceError([f"{field}: the file is {describe(head)}, whatever its name or declared type says; "
                             f"{what} ({kind.id}) must be a {accepted_words(kind)} file"], 415)
    return ValidFile(kind.id, content_type, sanitize_filename(filename, kind.id, content_type), data,
                     hashlib.sha256(data).hexdigest())


def text_answer(field: str, kind: EvidenceKind, value: str) -> ValidFile:
    """A written answer for a `text: true` kind, kept as a small text file of its kind."""
    words = value.strip()
    if len(words) > MAX_TEXT:
        raise EvidenceError([f"{field}: {len(words)} characters; {in_a_sentence(kind.label)} may be at most "
                             f"{MAX_TEXT}"], 422)
    data = words.encode("utf-8")
    return ValidFile(kind.id, "text/plain", f"{kind.id}.txt", data, hashlib.sha256(data).hexdigest())


def kind_file_fields(files, kinds: Sequence[EvidenceKind]) -> list[tuple[str, EvidenceKind, object]]:
    """(field name, kind, the file as received) for each file chosen for a file kind."""
    return [(f"{kind.id}[{n}]", kind, storage) for kind in kinds if not kind.text
            for n, storage in enumerate(s for s in files.getlist(kind.id) if s.filename)]


def text_answers(form, files, kinds: Sequence[EvidenceKind]) -> list[ValidFile]:
    """The written answers of the text kinds (empty ones left out); a file sent for one is refused."""
    out = []
    for kind in (k for k in kinds if k.text):
        if any(s.filename for s in files.getlist(kind.id)):
            raise EvidenceError([f"{kind.id}: write {in_a_sentence(kind.label)} in the field; it is not a file"], 422)
        if (value := form.get(kind.id, "")).strip():
            out.append(text_answer(kind.id, kind, value))
    return out


def refuse_text_for_files(form, kinds: Sequence[EvidenceKind]) -> None:
    """A file kind sent as a text field: EvidenceError saying to attach the file."""
    for kind in (k for k in kinds if not k.text):
        if form.get(kind.id):
            raise EvidenceError([f"{kind.id}: attach {in_a_sentence(kind.label)} as a file "
                                 f"({accepted_words(kind)}), not as text"], 422)


def json_answers(body: dict, kinds: Sequence[EvidenceKind]) -> list[ValidFile]:
    """A JSON body's written answers, one key per text kind; a file kind named there needs multipart instead."""
    out = []
    for kind in (k for k in kinds if k.id in body):
        value, what = body[kind.id], in_a_sentence(kind.label)
        if not kind.text:
            raise EvidenceError([f"{kind.id}: attach {what} as a file: send multipart/form-data with a "
                                 f"{kind.id} field ({accepted_words(kind)})"], 422)
        if not isinstance(value, str) or not value.strip():
            raise EvidenceError([f"{kind.id}: write {what} as text, not {value!r}"], 422)
        out.append(text_answer(kind.id, kind, value))
    return out
