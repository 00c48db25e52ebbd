"""Evidence files of a request: validated from their bytes, stored in the database, listed and fetched per shop."""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, undefer

from integration.db.evidence_models import EvidenceFile
from integration.db.request_models import ReturnCase
from integration.requests.evidence_types import ACCEPTED, EXTENSIONS, SNIFF_BYTES, describe, sniff
from integration.settings import EvidenceLimits

log = logging.getLogger(__name__)
MIB = 1024 * 1024
KIND_FIELDS = {"photo": "photos", "video": "videos"}  # the form field of each kind, for error messages


class EvidenceError(ValueError):
    """An upload that cannot be taken; `errors` are 'field: message' lines, `status` the HTTP status."""

    def __init__(self, errors: list[str], status: int):
        super().__init__(errors[0])
        self.errors, self.status = errors, status


@dataclass(frozen=True)
class Upload:
    """One file as received: the form field it came in (e.g. photos[0]), its kind and its bytes."""
    field: str
    kind: str  # photo | video
    filename: str | None
    data: bytes


@dataclass(frozen=True)
class ValidFile:
    """An upload that passed validation, with its real type and a safe name."""
    kind: str   # photo | video, or the id of one of the merchant's evidence kinds
    content_type: str
    filename: str
    data: bytes
    sha256: str


def _mib(size: int) -> str:
    return f"{size / MIB:.1f}".removesuffix(".0") + " MiB"


def sanitize_filename(name: str | None, kind: str, content_type: str) -> str:
    """A bare, safe file name: no folders, only plain characters, and the extension of the real type."""
    base = re.split(r"[\\/]", name or "")[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem = ascii_name.rsplit(".", 1)[0] if "." in ascii_name else ascii_name
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")[:80]
    return f"{stem or kind}{EXTENSIONS[content_type]}"


def validate_upload(upload: Upload, limits: EvidenceLimits) -> ValidFile:
    """Check one file's size and its type sniffed from the bytes: EvidenceError 413, 415 or 422 otherwise."""
    size, max_bytes = len(upload.data), limits.max_bytes(upload.kind)
    if size > max_bytes:
        raise EvidenceError([f"{upload.field}: the file is larger than the {_mib(max_bytes)} a {upload.kind} "
                             f"may be; send a smaller or shorter one"], 413)
    if size == 0:
        raise EvidenceError([f"{upload.field}: the file is empty; attach the {upload.kind} itself"], 422)
    head = upload.data[:SNIFF_BYTES]
    content_type, accepted = sniff(head), ACCEPTED[upload.kind]
    if content_type not in accepted:
        other = next((k for k, types in ACCEPTED.items() if content_type in types), None)
        hint = f"; send it in the {KIND_FIELDS[other]} field" if other else ""
        raise EvidenceError([f"{upload.field}: the file is {describe(head)}, whatever its name or declared type "
                             f"says; a {upload.kind} must be {', '.join(accepted.values())}{hint}"], 415)
    return ValidFile(upload.kind, content_type, sanitize_filename(upload.filename, upload.kind, content_type),
                     upload.data, hashlib.sha256(upload.data).hexdigest())


def check_file_count(fields: Sequence[str], limits: EvidenceLimits) -> None:
    """At most `max_files` files in one upload (cheap: callers check it before reading any file)."""
    if len(fields) > limits.max_files:
        raise EvidenceError([f"{fields[limits.max_files]}: {len(fields)} files attached; send at most "
                             f"{limits.max_files} in one upload (photos and videos together), the rest later "
                             f"as more evidence"], 422)


def validate_uploads(uploads: Sequence[Upload], limits: EvidenceLimits) -> list[ValidFile]:
    """Check one upload as a whole (how many files, their total size) and then each file."""
    check_file_count([u.field for u in uploads], limits)
    total = sum(len(u.data) for u in uploads)
    if total > limits.request_max_bytes:
        raise EvidenceError([f"{KIND_FIELDS[uploads[-1].kind]}: the files come to {_mib(total)}, more than the "
                             f"{_mib(limits.request_max_bytes)} one upload may be; send some of them later "
                             f"as more evidence"], 413)
    return [validate_upload(upload, limits) for upload in uploads]


def _stored_as(f: ValidFile) -> tuple[str, str]:
    """The row's kind and name: a merchant's kind is 'file' or 'text', its id before the name ('packing_slip/a.pdf').
    The kind column holds 10 characters; a sanitized name never holds a '/', so the id is read back unambiguously."""
    if f.kind in KIND_FIELDS:
        return f.kind, f.filename
    return ("text" if f.content_type == "text/plain" else "file"), f"{f.kind}/{f.filename}"


def evidence_kind(kind: str, filename: str) -> str:
    """The evidence kind of a stored row: photo, video, or the merchant's kind id it was stored under."""
    return kind if kind in KIND_FIELDS else filename.split("/", 1)[0]


def bare_filename(filename: str) -> str:
    """A stored file's own name, without the merchant's kind id before it."""
    return filename.rsplit("/", 1)[-1]


def store_files(session: Session, case: ReturnCase, files: Sequence[ValidFile]) -> list[EvidenceFile]:
    """Store validated files for the request, in the caller's transaction."""
    rows = [EvidenceFile(shop_id=case.shop_id, case_pk=case.id, kind=_stored_as(f)[0], content_type=f.content_type,
                         size=len(f.data), sha256=f.sha256, filename=_stored_as(f)[1], data=f.data) for f in files]
    session.add_all(rows)
    session.flush()
    if rows:
        log.info("evidence.stored: shop %s request %s files %d bytes %d", case.shop_id, case.id, len(rows),
                 sum(r.size for r in rows))
    return rows


def list_files(session: Session, case: ReturnCase) -> list[EvidenceFile]:
    """The request's evidence files, oldest first, without their bytes."""
    return list(session.scalars(select(EvidenceFile).where(
        EvidenceFile.shop_id == case.shop_id, EvidenceFile.case_pk == case.id).order_by(EvidenceFile.id)))


def fetch_file(session: Session, shop_id: int, case_id: int, file_id: int) -> EvidenceFile | None:
    """One evidence file with its bytes, only when it belongs to this shop's request."""
    return session.scalar(select(EvidenceFile).options(undefer(EvidenceFile.data)).where(
        EvidenceFile.id == file_id, EvidenceFile.shop_id == shop_id, EvidenceFile.case_pk == case_id))


def file_json(stored: EvidenceFile) -> dict:
    """How the API lists one evidence file."""
    return {"id": stored.id, "kind": stored.kind, "evidence_kind": evidence_kind(stored.kind, stored.filename),
            "content_type": stored.content_type, "size": stored.size, "sha256": stored.sha256,
            "filename": bare_filename(stored.filename), "created_at": stored.created_at.isoformat()}


def with_stored_evidence(session: Session, case: ReturnCase) -> dict:
    """The request as the policy sees it: what it declared plus the photos, videos and own kinds stored for it."""
    rows = session.execute(select(EvidenceFile.kind, EvidenceFile.filename).where(
        EvidenceFile.shop_id == case.shop_id, EvidenceFile.case_pk == case.id)).all()
    return with_files_counted(case.request, Counter(evidence_kind(kind, name) for kind, name in rows))


def _countable(declared) -> bool:
    """Whether the request's own evidence counts can be added to: none, or a mapping of whole numbers."""
    if declared is None:
        return True
    counts = [declared.get(field) for field in KIND_FIELDS.values()] if isinstance(declared, dict) else [None]
    provided = declared.get("provided") if isinstance(declared, dict) else None
    return isinstance(declared, dict) and all(
        n is None or (isinstance(n, int) and not isinstance(n, bool)) for n in counts) and (
        provided is None or (isinstance(provided, list) and all(isinstance(k, str) for k in provided)))


def with_files_counted(request: dict, files_by_kind: dict[str, int]) -> dict:
    """The request with these numbers of photo and video files added to the counts it declared, and the
    merchant's own kinds among them added to `provided`."""
    declared = request.get("evidence")
    own = {kind for kind, n in files_by_kind.items() if n and kind not in KIND_FIELDS}
    if not (own or any(files_by_kind.get(kind) for kind in KIND_FIELDS)) or not _countable(declared):
        return request   # a wrong `evidence` is refused by the case's validation, which names the field
    evidence = {**(declared or {})}   # "evidence": null counts as none declared
    for kind, field in KIND_FIELDS.items():
        if files_by_kind.get(kind):
            evidence[field] = int(evidence.get(field) or 0) + files_by_kind[kind]
    if own:
        evidence["provided"] = sorted(own.union(evidence.get("provided") or ()))
    return {**request, "evidence": evidence}


def delete_case_files(session: Session, shop_id: int, case_ids: Sequence[int] | None = None) -> int:
    """Delete the shop's evidence files (of these requests only, when given); how many went."""
    where = [EvidenceFile.shop_id == shop_id]
    if case_ids is not None:
        where.append(EvidenceFile.case_pk.in_(list(case_ids)))
    deleted = session.execute(delete(EvidenceFile).where(*where)).rowcount
    log.info("evidence.deleted: shop %s files %d", shop_id, deleted)
    return deleted
