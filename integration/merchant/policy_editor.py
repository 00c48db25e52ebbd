"""The policy being edited: the shop's draft, checking YAML with errors mapped to lines, versions and diffs.

A draft is kept in the shop's settings (`policy_draft`) until the merchant saves it as a new version;
the current version is never changed by editing, choosing a preset or trying a draft.
"""
from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.db.models import PolicyVersion, Shop
from integration.policy.bounds import broken_limit, compose_yaml
from integration.policy.compiler import InvalidPolicy
from integration.policy.loader import load_policy_text
from integration.policy.model import Policy

DRAFT_KEY = "policy_draft"
log = logging.getLogger(__name__)
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_YAML_LINE = re.compile(r"^line (\d+), column \d+: ")


@dataclass(frozen=True)
class PolicyError:
    """One error in a policy document: its path, its message and the 1-based line it points at."""
    path: str
    message: str
    line: int | None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.path}: {self.message}" if self.path else f"{where}{self.message}"


def path_tokens(path: str) -> list[str | int]:
    """'rules[3].when.reason[0]' -> ['rules', 3, 'when', 'reason', 0] (a ' (the key)' suffix is dropped)."""
    path = path.removesuffix(" (the key)")
    return [int(index) if index else name for name, index in _TOKEN.findall(path)]


def _child(node, token):
    if isinstance(node, yaml.MappingNode) and isinstance(token, str):
        for key, value in node.value:
            if getattr(key, "value", None) == token:
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(token, int) and token < len(node.value):
        item = node.value[token]
        return item, item
    return None


def line_of(root, path: str) -> int | None:
    """The 1-based line of the deepest node of `path` found in a composed YAML document."""
    if root is None:
        return None
    node, mark = root, root.start_mark
    for token in path_tokens(path):
        found = _child(node, token)
        if found is None:
            break
        mark, node = found[0].start_mark, found[1]
    return mark.line + 1


def check_text(text: str) -> tuple[Policy | None, list[PolicyError]]:
    """Compile YAML text; on failure, every error with the line its path points at."""
    try:
        return load_policy_text(text), []
    except InvalidPolicy as exc:
        return None, located_errors(text, exc.errors)


def located_errors(text: str, errors: list[str]) -> list[PolicyError]:
    """'path: message' lines from the loader, each given the line of the YAML it names."""
    root = compose_yaml(text)   # bounded: a document nested thousands deep is refused, not a RecursionError
    out = []
    for error in errors:
        if match := _YAML_LINE.match(error):
            out.append(PolicyError("", error[match.end():], int(match.group(1))))
            continue
        path, _, message = error.partition(": ")
        out.append(PolicyError(path, message, None if path == "(document)" else line_of(root, path)))
    return out


def current_version(session: Session, shop: Shop) -> PolicyVersion:
    """The shop's current policy version."""
    return session.get(PolicyVersion, shop.policy_version_id)


def draft_text(shop: Shop) -> str | None:
    """The shop's unsaved draft, if it has one."""
    draft = (shop.settings or {}).get(DRAFT_KEY)
    return draft["document"] if draft else None


def working_text(session: Session, shop: Shop) -> tuple[str, bool]:
    """(the text being edited, whether it is a draft): the draft, else the current version."""
    draft = draft_text(shop)
    return (draft, True) if draft is not None else (current_version(session, shop).document, False)


def keep_draft(shop: Shop, text: str, origin: str) -> None:
    """Keep text as the shop's draft (nothing is published); origin says where it came from. A text over the
    limits of integration.policy.bounds is not kept: every settings page reads the draft, and the editor that
    was sent it shows which limit it breaks."""
    if (broken := broken_limit(text)) is not None:
        log.info("policy.draft-refused: shop %s (%s)", shop.id, broken.split(": ")[0])
        return
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    shop.settings = {**(shop.settings or {}), DRAFT_KEY: {"document": text, "origin": origin, "updated_at": stamp}}


def discard_draft(shop: Shop) -> None:
    """Forget the shop's draft."""
    shop.settings = {k: v for k, v in (shop.settings or {}).items() if k != DRAFT_KEY}


def draft_origin(shop: Shop) -> str | None:
    """Where the draft came from (a preset, the form, the editor), if there is one."""
    draft = (shop.settings or {}).get(DRAFT_KEY)
    return draft.get("origin") if draft else None


def versions(session: Session, shop: Shop) -> list[PolicyVersion]:
    """The shop's policy versions, newest first."""
    return list(session.scalars(select(PolicyVersion).where(PolicyVersion.shop_id == shop.id)
                                .order_by(PolicyVersion.version.desc())))


def diff_lines(old: str, new: str, old_name: str, new_name: str) -> list[str]:
    """A unified diff of two policy texts, line by line."""
    return list(difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm=""))
