"""Write a document's changed values back into its YAML text, keeping comments, key order and layout.

The form edits plain data (as the policy loader reads it); only what differs between that data before and
after is written into ruamel.yaml's round-trip tree of the same text, so a one-number change diffs as one line.
"""
from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

# (mapping, sequence, offset) indents tried in turn; the first whose dump reproduces the text is kept.
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4))


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def same(a: object, b: object) -> bool:
    """Equal data, a number written as text (the form's '5.00') counting as that number."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (dict, list, bool)) or isinstance(b, (dict, list, bool)):
        return type(a) is type(b) and a == b
    return a == b or (_number(a) is not None and _number(a) == _number(b))


def _scalar(value: object) -> bool:
    return not isinstance(value, (dict, list))


def _fresh(value: object) -> object:
    """A value new to the text, written the way the presets write theirs: a collection of scalars (or of lists of
    scalars) in flow style, `{from: delivery, days: 45}`, anything larger in block style."""
    if _scalar(value):
        return value
    if isinstance(value, dict):
        fresh = CommentedMap((k, _fresh(v)) for k, v in value.items())
        leaves = value.values()
    else:
        fresh, leaves = CommentedSeq(_fresh(v) for v in value), value
    if all(_scalar(v) or (isinstance(v, list) and all(map(_scalar, v))) for v in leaves):
        fresh.fa.set_flow_style()
    return fresh


def _sync_mapping(node, old: dict, new: dict) -> None:
    for key in [k for k in old if k not in new and k in node]:
        del node[key]
    for key, value in new.items():
        if key in old and key in node and same(old[key], value):
            continue
        if key in old and key in node and _nested(old[key], value):
            _sync(node[key], old[key], value)
        else:
            node[key] = _fresh(value)


def _nested(old: object, new: object) -> bool:
    return (isinstance(old, dict) and isinstance(new, dict)) or (isinstance(old, list) and isinstance(new, list))


def _sync(node, old: object, new: object) -> None:
    """Change in `node` (the round-trip tree) only what differs between `old` and `new` (plain data)."""
    if isinstance(new, dict):
        _sync_mapping(node, old, new)
        return
    for i, (before, after) in enumerate(zip(old, new)):
        if same(before, after):
            continue
        if _nested(before, after):
            _sync(node[i], before, after)
        else:
            node[i] = _fresh(after)
    del node[len(new):]   # items removed at the end, or items added there
    node.extend(_fresh(v) for v in new[len(old):])


def _dump(yaml: YAML, tree) -> str:
    out = io.StringIO()
    yaml.dump(tree, out)
    return out.getvalue()


def _loaded(text: str) -> tuple[YAML, object]:
    """A round-trip YAML set to the text's indentation (the first tried when none reproduces it), and its tree."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes, yaml.width = True, 4096   # never re-wrap a line the merchant wrote
    tree = yaml.load(text)
    for mapping, sequence, offset in _INDENTS:
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        if _dump(yaml, tree) == text:
            return yaml, tree
    yaml.indent(mapping=_INDENTS[0][0], sequence=_INDENTS[0][1], offset=_INDENTS[0][2])
    return yaml, tree


def rewrite(text: str, old: dict, new: dict) -> str:
    """The YAML text with the changes from `old` to `new` (its data before and after an edit) written in."""
    yaml, tree = _loaded(text)
    if not isinstance(tree, dict):
        raise ValueError("the document is not a YAML mapping")
    _sync(tree, old, new)
    return _dump(yaml, tree)
