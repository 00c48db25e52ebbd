"""Limits on a policy document, checked before it is validated, compiled, decided with or analysed.

A policy may come from anyone who can reach the API, so each limit bounds the work one document can cause;
each refusal names the limit and the fix. The presets are far inside every limit (kaolate, the largest: 10,818
characters, 617 values, nested 8 deep, 4 windows, 20 rules, no aliases).
"""
from __future__ import annotations

import yaml

from integration.policy.compiler import InvalidPolicy

MAX_CHARS = 100_000        # of YAML text, and of the strings in a document once its aliases are expanded
MAX_DEPTH = 20             # mappings and lists inside each other (`any_of` inside `any_of` adds two)
MAX_ALIASES = 50           # YAML aliases (*name)
MAX_VALUES = 20_000        # keys, values and list items, once every alias is expanded
MAX_WINDOWS = 24
MAX_RULES = 200
MAX_ADJUSTMENTS = 50
MAX_FEES = 100             # over every schedule, each fee of a list counted: each is worked out for every line
MAX_TIER_STEPS = 50        # in one fee's `tiers`
_COUNTED = {"windows": (MAX_WINDOWS, "merge windows that share an anchor and length"),
            "rules": (MAX_RULES, "merge rules that decide alike with `any_of`, or leave the rest to `otherwise`"),
            "adjustments": (MAX_ADJUSTMENTS, "merge adjustments that change the same terms")}


def _where(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _too_deep(where: str) -> InvalidPolicy:
    return InvalidPolicy([f"{where}: nested more than {MAX_DEPTH} levels deep; a policy needs far fewer, so "
                          "flatten it"])


class _Bounded:
    """Counts aliases and nesting before composing each node (the composer recurses once per level)."""

    def compose_node(self, parent, index):
        """Refuse the node past the alias or depth limit, before composing it."""
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise InvalidPolicy([f"{_where(self.peek_event().start_mark)}: more than {MAX_ALIASES} YAML aliases "
                                     "(*name); write the values out instead"])
            return super().compose_node(parent, index)
        if not self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent):
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _too_deep(_where(self.peek_event().start_mark))
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _BoundedLoader(_Bounded, yaml.SafeLoader):
    """PyYAML's safe loader, refusing a document nested too deep or with too many aliases while composing it."""

    def __init__(self, stream):
        super().__init__(stream)
        self.depth, self.aliases = 0, 0

    def fetch_flow_collection_start(self, TokenClass):  # noqa: N803  (PyYAML's name)
        """Refuse a `[` or `{` past the depth limit as it is scanned: the scanner looks ahead a kilobyte at each."""
        if self.flow_level >= MAX_DEPTH:
            raise _too_deep(_where(self.get_mark()))
        super().fetch_flow_collection_start(TokenClass)


if yaml.__with_libyaml__:
    class _BoundedCLoader(_Bounded, yaml.composer.Composer, yaml.cyaml.CParser, yaml.constructor.SafeConstructor,
                          yaml.resolver.Resolver):
        """libyaml scans and parses (a tenth of the time, no recursion); our composer, in Python, still counts
        aliases and depth before each node, so the same limits hold while reading."""

        def __init__(self, stream):
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.depth, self.aliases = 0, 0

    _READER = _BoundedCLoader
else:   # PyYAML built without libyaml: the pure-Python loader, same limits
    _READER = _BoundedLoader


def read_yaml(text: str) -> object:
    """The YAML text decoded with the safe loader, within the limits; InvalidPolicy naming the one broken."""
    if len(text) > MAX_CHARS:
        raise InvalidPolicy([f"(document): {len(text):,} characters; a policy may have at most {MAX_CHARS:,}, "
                             "so shorten it (the largest preset has 10,818)"])
    loader = _READER(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        if "maximum nesting depth" in str(getattr(exc, "problem", "")):   # libyaml's own limit (1,000 levels)
            raise _too_deep(_where(exc.problem_mark)) from None
        raise
    finally:
        loader.dispose()


def compose_yaml(text: str):
    """The text's YAML node tree, to point errors at lines; None when it is over a limit or not YAML."""
    if len(text) > MAX_CHARS:
        return None
    loader = _READER(text)
    try:
        return loader.get_single_node()
    except (yaml.YAMLError, InvalidPolicy):
        return None
    finally:
        loader.dispose()


def broken_limit(text: str) -> str | None:
    """The first limit the YAML text breaks, as 'where: message', or None (valid policy or not)."""
    try:
        check_document(read_yaml(text))
    except InvalidPolicy as exc:
        return exc.errors[0]
    except yaml.YAMLError:
        return None
    return None


class _Tally:
    """Values and characters seen so far in a walk over a decoded document."""

    def __init__(self):
        self.values, self.chars = 0, 0

    def add(self, item: object) -> None:
        """Count one key, value or item; InvalidPolicy when the document is over a limit."""
        self.values += 1
        self.chars += len(item) if isinstance(item, str) else 0
        if self.values > MAX_VALUES:
            raise InvalidPolicy([f"(document): more than {MAX_VALUES:,} keys, values and list items once its YAML "
                                 "aliases are expanded; use fewer aliases, rules or item classes"])
        if self.chars > MAX_CHARS:
            raise InvalidPolicy([f"(document): more than {MAX_CHARS:,} characters of text once its YAML aliases "
                                 "are expanded; shorten the clauses and explanations, or use fewer aliases"])


def _walk(item: object, depth: int, tally: _Tally) -> None:
    tally.add(item)
    if not isinstance(item, (dict, list, tuple, set, frozenset)):   # !!pairs and !!set make tuples and sets
        return
    if depth > MAX_DEPTH:   # also ends a YAML alias that refers to the value it is inside
        raise _too_deep("(document)")
    for key, value in item.items() if isinstance(item, dict) else enumerate(item):
        if isinstance(item, dict):
            tally.add(key)
        _walk(value, depth + 1, tally)


def check_document(data: object) -> None:
    """Refuse a decoded document over any limit (InvalidPolicy naming it), before any validation or compiling."""
    _walk(data, 1, _Tally())
    if not isinstance(data, dict):
        return
    for section, (limit, fix) in _COUNTED.items():
        found = data.get(section)
        if isinstance(found, (dict, list)) and len(found) > limit:
            raise InvalidPolicy([f"{section}: {len(found)} {section}; a policy may have at most {limit}, so {fix}"])
    _check_fees(data.get("fees"))


def _fee_docs(fees: object):
    """(path, fee) for every fee written under `fees`, whatever its shape (it is not validated yet)."""
    for name, schedule in fees.items() if isinstance(fees, dict) else ():
        for condition, entry in schedule.items() if isinstance(schedule, dict) else ():
            for i, fee in enumerate(entry) if isinstance(entry, list) else [(None, entry)]:
                yield f"fees.{name}.{condition}" + (f"[{i}]" if i is not None else ""), fee


def _check_fees(fees: object) -> None:
    """Refuse more fees, or more tier steps in one fee, than the limits."""
    count = 0
    for path, fee in _fee_docs(fees):
        count += 1
        if count > MAX_FEES:
            raise InvalidPolicy([f"fees: more than {MAX_FEES} fees; merge schedules, or use `any` for conditions "
                                 "that pay the same"])
        tiers = fee.get("tiers") if isinstance(fee, dict) else None
        steps = tiers.get("steps") if isinstance(tiers, dict) else None
        if isinstance(steps, list) and len(steps) > MAX_TIER_STEPS:
            raise InvalidPolicy([f"{path}.tiers.steps: {len(steps)} steps; a fee may have at most {MAX_TIER_STEPS}, "
                                 "so merge the steps that charge alike"])
