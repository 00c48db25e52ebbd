"""Static analysis of a policy: rules that can never fire, and kinds of request no rule covers.

Every value the rules cannot tell apart is folded into one representative, so the whole space of
distinguishable requests is enumerated and run through the real matchers. That space grows with the windows the
rules name (a window no rule names is left out) and with the rules; past MAX_CHECKS the coverage is not analysed
and the report says so, with the fix.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace

from integration.policy.clause_refs import stale_numbers
from integration.policy.conditions import request_type, window
from integration.policy.conditions.registry import CONDITIONS
from integration.policy.evidence_kinds import unasked_kinds
from integration.policy.facts import Facts
from integration.policy.fee_lints import fee_findings, fee_warnings
from integration.policy.model import Policy

# Kinds of request times rules tried, at most (kaolate, the largest preset: 248,832 kinds x 21, about 1.2 s).
MAX_CHECKS = 6_000_000
MAX_NAMED_WINDOWS = 9   # each has up to 3 states, and every combination is worked out before the rest is counted
TYPE = request_type.CONDITION


@dataclass
class Report:
    never_fire: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    uncovered_total: int = 0
    not_analysed: list[str] = field(default_factory=list)
    unasked_evidence: list[str] = field(default_factory=list)   # evidence kinds defined that no rule asks for
    fee_findings: list[str] = field(default_factory=list)   # fee tier steps that never apply
    warnings: list[str] = field(default_factory=list)   # worth a look, but not findings (`--strict` passes)
    stale_clauses: list[str] = field(default_factory=list)   # numbers a clause writes that its rules no longer use

    @property
    def findings(self) -> bool:
        """True when anything is worth the merchant's attention."""
        return bool(self.never_fire or self.uncovered or self.not_analysed or self.unasked_evidence
                    or self.fee_findings or self.stale_clauses)

    def lines(self) -> list[str]:
        """Human-readable findings, one per line."""
        out = [f"not analysed: {line}" for line in self.not_analysed]
        out += [f"never fires: {line}" for line in self.never_fire]
        out += [f"not covered by any rule: {line}" for line in self.uncovered]
        out += [f"never asked for: {line}" for line in self.unasked_evidence]
        if self.uncovered_total > len(self.uncovered):
            out.append(f"not covered by any rule: ... and {self.uncovered_total - len(self.uncovered)} more kinds")
        out += [f"fee never applies: {line}" for line in self.fee_findings]
        out += [f"clause out of date: {line}" for line in self.stale_clauses]
        out += [f"warning: {line}" for line in self.warnings]
        return out


def _when_docs(policy: Policy) -> list[dict]:
    docs = policy.document
    return [r["when"] for r in docs.get("rules", [])] + [a["when"] for a in docs.get("adjustments", [])]


def _named_windows(policy: Policy, whens: list[dict]) -> Policy:
    """The policy with only the windows some `when` names: the others cannot tell two requests apart."""
    named = {name for w in whens for name in window.CONDITION.written_in(w)}
    return replace(policy, windows={n: w for n, w in policy.windows.items() if n in named})


def _may_be_of_type(when: dict, value: str) -> bool:
    """Whether a rule's `when` can hold for a request of this type: its top-level `type` (which every match must
    hold) names it, or it names none (a type inside `any_of` narrows nothing here)."""
    return value in when.get("type", (value,))


def _spaces_within_limits(policy: Policy) -> tuple[list | None, str | None]:
    """(per request type, each condition's space), or (None, why the coverage is not analysed) when it is too large.

    Each type's kinds vary only what the rules that can decide that type name: an edit rule's windows do not multiply
    the returns, nor a return rule's customer conditions the edits."""
    whens = _when_docs(policy)
    types = TYPE.space(policy, [TYPE.written_in(w) for w in whens])
    per_type, kinds = [], 0
    for value, members in types:
        mine = [w for w in whens if _may_be_of_type(w, value)]
        view = _named_windows(policy, mine)
        if len(view.windows) > MAX_NAMED_WINDOWS:
            return None, (f"too many windows to analyse: the rules for {value} requests name {len(view.windows)} "
                          f"windows, and coverage is analysed for at most {MAX_NAMED_WINDOWS}; name fewer windows in "
                          "the rules' `when` (merge windows that share an anchor). The policy is valid as it is.")
        spaces = [[(value, members)] if c is TYPE else c.space(view, [c.written_in(w) for w in mine])
                  for c in CONDITIONS]
        kinds += math.prod(len(s) for s in spaces)
        per_type.append(spaces)
    if kinds * (len(policy.rules) + len(policy.adjustments)) > MAX_CHECKS:
        return None, (f"too many kinds of request to analyse: {kinds:,} kinds times {len(policy.rules)} rules and "
                      f"{len(policy.adjustments)} adjustments is over {MAX_CHECKS:,}; name fewer windows, reasons, "
                      "tags or classes in the rules' `when`, or merge rules. The policy is valid as it is.")
    return per_type, None


def _kinds(per_type: list):
    names = [c.fact for c in CONDITIONS]
    for spaces in per_type:
        for combo in itertools.product(*spaces):
            yield Facts(**{n: value for n, (value, _) in zip(names, combo)}), combo


def _folded(combo: tuple) -> dict:
    return {c.fact: members for c, (_, members) in zip(CONDITIONS, combo)}


def fact_space(policy: Policy):
    """Yield (facts, {fact: the values folded into it}) for every kind of request the rules can tell apart."""
    spaces, why = _spaces_within_limits(policy)
    if spaces is None:
        raise ValueError(why)
    for facts, combo in _kinds(spaces):
        yield facts, _folded(combo)


def _describe(kind: tuple, windows: list[dict]) -> str:
    """One line per uncovered kind; only windows whose state matters to it are named."""
    t, reasons, cls, conditions = kind
    fixed = [f"{name} {states.pop()}" for name in windows[0]
             if len(states := {w[name] for w in windows}) == 1]
    return (f"{t} · reason {'/'.join(reasons)} · class {cls} · condition {'/'.join(conditions)}"
            + (" · " + ", ".join(fixed) if fixed else ""))


def analyse(policy: Policy, max_uncovered: int = 12) -> Report:
    """The rules' analysis (analyse_rules), the fees' lints and the clauses' stale numbers."""
    report = analyse_rules(policy, max_uncovered)
    report.fee_findings, report.warnings = fee_findings(policy), report.warnings + fee_warnings(policy)
    report.stale_clauses = stale_numbers(policy)
    return report


def analyse_rules(policy: Policy, max_uncovered: int = 12) -> Report:
    """Find rules and adjustments that never fire, and summarise the requests no rule covers (when not too many)."""
    spaces, why = _spaces_within_limits(policy)
    if spaces is None:
        return Report(not_analysed=[why], unasked_evidence=unasked_kinds(policy))
    fired = [False] * len(policy.rules)
    adjusted = [False] * len(policy.adjustments)
    uncovered: dict[tuple, list[dict]] = {}
    for facts, combo in _kinds(spaces):
        index = next((i for i, r in enumerate(policy.rules) if r.matches(facts)), None)
        if index is None:
            folded = _folded(combo)
            kind = (facts.type, tuple(folded["reason"]), facts.item_class, tuple(folded["condition"]))
            uncovered.setdefault(kind, []).append(dict(facts.windows))
        else:
            fired[index] = True
        for i, adj in enumerate(policy.adjustments):
            adjusted[i] = adjusted[i] or adj.matches(facts)
    report = Report(uncovered=[_describe(k, w) for k, w in list(uncovered.items())[:max_uncovered]],
                    uncovered_total=len(uncovered), unasked_evidence=unasked_kinds(policy))
    report.never_fire = [f"rules[{i}] {r.id!r}: every request it matches is decided by an earlier rule, "
                         "or its conditions cannot all hold" for i, r in enumerate(policy.rules) if not fired[i]]
    report.never_fire += [f"adjustments[{i}] {a.id!r}: its conditions cannot all hold"
                          for i, a in enumerate(policy.adjustments) if not adjusted[i]]
    return report
