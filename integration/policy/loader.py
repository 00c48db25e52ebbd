"""Read a policy document from YAML text or a file, validate it and compile it."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from marshmallow import ValidationError

from integration.contract.errors import format_errors
from integration.policy.bounds import check_document, read_yaml
from integration.policy.compiler import InvalidPolicy, compile_policy
from integration.policy.document import PolicySchema
from integration.policy.model import Policy

PRESETS_DIR = Path(__file__).resolve().parents[2] / "config" / "policies"
_SCHEMA = PolicySchema()


def parse_policy(data: object) -> Policy:
    """Validate and compile an already-decoded policy document, within the limits of integration.policy.bounds."""
    check_document(data)
    if not isinstance(data, dict):
        raise InvalidPolicy(["(document): a policy is a YAML mapping with `policy`, `timezone`, `clauses` and `rules`"])
    try:
        doc = _SCHEMA.load(data)
    except ValidationError as exc:
        raise InvalidPolicy(format_errors(exc.messages)) from None
    return compile_policy(doc)


# Reading a policy within the bounds takes ~90 ms, and the same few texts (presets, a shop's current version) are
# read again and again; the compiled Policy is immutable (frozen dataclasses), so one text is compiled once.
@lru_cache(maxsize=64)
def load_policy_text(text: str) -> Policy:
    """Parse YAML text into a compiled Policy; raises InvalidPolicy with line numbers for YAML errors."""
    try:
        data = read_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(document)"
        raise InvalidPolicy([f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]) from None
    return parse_policy(data)


def resolve_policy_path(name_or_path: str) -> Path:
    """A path as given, or the preset of that name in config/policies (e.g. 'kaolate')."""
    path = Path(name_or_path)
    if path.exists() or path.suffix:
        return path
    return PRESETS_DIR / f"{name_or_path}.yaml"


def load_policy_file(name_or_path: str) -> Policy:
    """Load a policy file (or preset name); raises OSError or InvalidPolicy."""
    return load_policy_text(resolve_policy_path(name_or_path).read_text(encoding="utf-8"))


def preset_names() -> list[str]:
    """Names of the shipped presets."""
    return sorted(p.stem for p in PRESETS_DIR.glob("*.yaml"))
