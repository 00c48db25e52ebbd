"""Reading multipart/form-data bodies of the request API: the form fields and the evidence files they carry.

The app takes at most 1 MiB per request body. Only a multipart body on these routes may be larger, and
only by the evidence limits (config/defaults.toml [evidence]); the limit is checked before any byte is read.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask import Response, after_this_request, current_app, request
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from integration.policy.evidence_kinds import EvidenceKind
from integration.requests.evidence import (KIND_FIELDS, MIB, EvidenceError, Upload, ValidFile, bare_filename,
                                          check_file_count, validate_uploads)
from integration.requests.evidence_kinds import (kind_file_fields, refuse_text_for_files, size_class, text_answers,
                                                validate_kind_file)
from integration.settings import EvidenceLimits

FORM_ALLOWANCE = MIB  # room for the non-file fields (as much as a JSON body may be) and the multipart framing
FILE_FIELDS = {field: kind for kind, field in KIND_FIELDS.items()}


def is_multipart() -> bool:
    """True when the body is multipart/form-data (files attached)."""
    return request.mimetype == "multipart/form-data"


def multipart_limit(limits: EvidenceLimits) -> int:
    """The largest multipart body these routes take: every file an upload may carry, plus the form."""
    return limits.request_max_bytes + FORM_ALLOWANCE


def _too_large(limits: EvidenceLimits) -> EvidenceError:
    return EvidenceError([f"(body): larger than an upload may be ({limits.request_max_bytes // MIB} MiB of files "
                          f"and {FORM_ALLOWANCE // MIB} MiB of form fields); send fewer or smaller files"], 413)


def _close_spooled_files(response):
    # Large files are spooled to temporary files: close them now, not whenever they are collected.
    request.close()
    return response


def _parse_form(limits: EvidenceLimits):
    """The form and its files, read only after the body's declared size passed the route's limit."""
    request.max_content_length = multipart_limit(limits)
    request.max_form_memory_size = FORM_ALLOWANCE
    if request.content_length is not None and request.content_length > request.max_content_length:
        raise _too_large(limits)
    after_this_request(_close_spooled_files)
    try:
        return request.form, request.files
    except RequestEntityTooLarge:
        raise _too_large(limits) from None


def _check_names(form, files, text_fields: tuple[str, ...], kinds: Sequence[EvidenceKind] = ()) -> None:
    """Only the route's own fields, photos, videos and the shop's evidence kinds (field name = kind id)."""
    allowed = set(text_fields) | set(FILE_FIELDS) | {kind.id for kind in kinds}
    for name in list(form) + list(files):
        if name not in allowed:
            own = f", and the shop's own evidence in {', '.join(k.id for k in kinds)}" if kinds else ""
            raise EvidenceError([f"{name}: unknown form field; send {', '.join(text_fields)} and the files "
                                 f"in photos and videos{own}"], 422)
        if name in FILE_FIELDS and name in form:
            raise EvidenceError([f"{name}: attach the {name} as files, not as text"], 422)
    refuse_text_for_files(form, kinds)


def _read_file(storage: FileStorage, kind: str, field: str, limits: EvidenceLimits) -> Upload:
    # One byte past the limit is enough to know the file is too large.
    return Upload(field, kind, storage.filename, storage.stream.read(limits.max_bytes(kind) + 1))


def _uploads(files, limits: EvidenceLimits, kinds: Sequence[EvidenceKind] = ()) -> list[ValidFile]:
    """Every attached file, validated: counted first, so that too many files are never read."""
    attached = [(storage, kind, f"{field}[{n}]") for field, kind in FILE_FIELDS.items()
                for n, storage in enumerate(files.getlist(field))]
    own = kind_file_fields(files, kinds)
    check_file_count([name for _, _, name in attached] + [name for name, _, _ in own], limits)
    valid = validate_uploads([_read_file(storage, kind, name, limits) for storage, kind, name in attached], limits)
    valid += [validate_kind_file(name, kind, storage.filename,
                                 storage.stream.read(limits.max_bytes(size_class(kind)) + 1), limits)
              for name, kind, storage in own]
    if (total := sum(len(f.data) for f in valid)) > limits.request_max_bytes:
        raise EvidenceError([f"{own[-1][0] if own else 'photos'}: the files come to {total / MIB:.1f} MiB, more than "
                             f"the {limits.request_max_bytes // MIB} MiB one upload may be; send some of them later "
                             "as more evidence"], 413)
    return valid


def _reject_counted_evidence(body: dict, files: list[ValidFile]) -> None:
    """Attached files are counted from the store; a count beside them would count them twice."""
    evidence = (body.get("request") or {}).get("evidence") if isinstance(body.get("request"), dict) else None
    counted = [f for f in KIND_FIELDS.values() if isinstance(evidence, dict) and evidence.get(f)]
    if files and counted:
        raise EvidenceError([f"request.evidence.{counted[0]}: leave it out when attaching files; the stored "
                             f"files are counted"], 422)


def _chosen(files) -> MultiDict:
    # A browser sends every file input, one with no file chosen as an empty part named "": not an attachment.
    return MultiDict([(field, storage) for field, storage in files.items(multi=True) if storage.filename])


def form_files(limits: EvidenceLimits, kinds: Sequence[EvidenceKind] = ()) -> list[ValidFile]:
    """The evidence files of a browser form and its answers for the shop's own kinds, validated."""
    request.max_content_length = multipart_limit(limits)
    if request.content_length is not None and request.content_length > request.max_content_length:
        raise _too_large(limits)
    after_this_request(_close_spooled_files)
    try:
        form, files = request.form, request.files
    except RequestEntityTooLarge:
        raise _too_large(limits) from None
    refuse_text_for_files(form, kinds)
    return _uploads(_chosen(files), limits, kinds) + text_answers(form, files, kinds)


def request_form(limits: EvidenceLimits, kinds_for=lambda _body: ()) -> tuple[dict, list[ValidFile]]:
    """POST /api/v1/requests as multipart: the `payload` field's JSON and the validated files and answers;
    `kinds_for(body)` names the evidence kinds of the shop the payload names."""
    form, files = _parse_form(limits)
    try:
        body = current_app.json.loads(form.get("payload", ""))  # the app's strict JSON, as for a JSON body
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise EvidenceError(["payload: send the request's JSON {shop, order_id | order_number + email, request} "
                             "in the payload field"], 400)
    kinds = kinds_for(body)
    _check_names(form, files, ("payload",), kinds)
    uploads = _uploads(files, limits, kinds) + text_answers(form, files, kinds)
    _reject_counted_evidence(body, uploads)
    return body, uploads


def evidence_form(limits: EvidenceLimits, kinds: Sequence[EvidenceKind] = ()) -> tuple[dict, list[ValidFile]]:
    """POST /api/v1/requests/<id>/evidence as multipart: the description, the validated files and answers."""
    form, files = _parse_form(limits)
    _check_names(form, files, ("description",), kinds)
    uploads = _uploads(files, limits, kinds) + text_answers(form, files, kinds)
    if not uploads and not form.get("description", "").strip():
        raise EvidenceError(["photos: attach photos or videos, or write a description"], 422)
    return {"description": bool(form.get("description", "").strip())}, uploads


def file_response(stored, inline: bool = False) -> Response:
    """An evidence file's bytes with its sniffed type; never cached by others, never run as a page."""
    response = Response(stored.data, mimetype=stored.content_type)
    response.headers.set("Content-Disposition", "inline" if inline else "attachment",
                         filename=bare_filename(stored.filename))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"  # customer evidence: never in a shared cache
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
