"""Whether: judge one requested line against the policy's rules (first matching rule decides)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from integration.domain.case import Case, LineItem, RequestItem
from integration.policy.facts import Facts, line_facts
from integration.policy.model import Policy, Rule, Terms
from integration.policy.resolution import choose_resolution, resolution_options

_OUTCOMES = {"approve": "approved", "deny": "denied", "review": "needs_review"}
UNKNOWN_LINE = Rule("unknown-line-item", "", "deny", lambda f: True,
                    explain="this line is not part of the order")
SETTLED_LINE = Rule("already-refunded", "", "deny", lambda f: True,
                    explain="these units were already refunded, returned or cancelled, or another open request holds them")


@dataclass(frozen=True, slots=True)
class LineVerdict:
    item: RequestItem
    line: LineItem | None
    facts: Facts | None
    rule: Rule
    outcome: str
    terms: Terms
    options: tuple[str, ...] = ()
    resolution: str = "none"
    evidence_missing: tuple[str, ...] = ()
    adjustments: tuple[str, ...] = ()

    @property
    def quantity(self) -> int:
        """Units asked for, never more than the line still holds (units already refunded are gone)."""
        if self.line is None or self.line.open_quantity == 0:
            return self.item.quantity
        return min(self.item.quantity, self.line.open_quantity)


def missing_evidence(required: tuple[str, ...], case: Case) -> tuple[str, ...]:
    """The kinds of evidence the rule asks for that the request does not carry."""
    ev = case.request.evidence
    # A video shows at least what a photo does, so it satisfies a photo requirement too.
    have = {"photos": ev.photos > 0 or ev.videos > 0, "video": ev.videos > 0, "description": ev.description,
            "order_number": True}  # the case is on an order, so its number is known
    return tuple(kind for kind in required if not have.get(kind, kind in ev.provided))  # or the merchant's own


def apply_adjustments(policy: Policy, facts: Facts, terms: Terms) -> tuple[Terms, tuple[str, ...]]:
    """Terms after every matching adjustment (gift orders, bulk orders...), and their ids."""
    applied = []
    for adj in policy.adjustments:
        if adj.matches(facts):
            terms = replace(terms, **adj.changes)
            applied.append(adj.id)
    return terms, tuple(applied)


def judge_line(policy: Policy, case: Case, item: RequestItem) -> LineVerdict:
    """Judge one requested line: outcome, deciding rule, resolution options and missing evidence."""
    line = case.order.line(item.line_item_id)
    if line is None:
        return LineVerdict(item, None, None, UNKNOWN_LINE, "denied", Terms())
    if line.open_quantity == 0:
        return LineVerdict(item, line, line_facts(policy, case, item, line), SETTLED_LINE, "denied", Terms())
    facts = line_facts(policy, case, item, line)
    rule = next((r for r in policy.rules if r.matches(facts)), policy.otherwise)
    outcome = _OUTCOMES[rule.decide]
    if outcome == "denied":
        return LineVerdict(item, line, facts, rule, outcome, rule.terms)
    terms, applied = apply_adjustments(policy, facts, rule.terms)
    options = resolution_options(terms, facts)
    missing = missing_evidence(rule.evidence, case)
    if missing:
        outcome = "needs_evidence"
    elif not options:
        outcome = "needs_review"  # nothing the policy offers is in stock: the merchant decides
    return LineVerdict(item, line, facts, rule, outcome, terms, options,
                       choose_resolution(options, case.request), missing, applied)


def overrule(policy: Policy, case: Case, verdict: LineVerdict, outcome: str) -> LineVerdict:
    """The verdict when the merchant decides the line: denied, or approved on the deciding rule's terms
    (with the adjustments); a line that is not part of the order stays denied."""
    if verdict.line is None or verdict.rule is SETTLED_LINE or outcome == "denied":
        return replace(verdict, outcome="denied", options=(), resolution="none", evidence_missing=())
    terms, applied = verdict.terms, verdict.adjustments
    if verdict.outcome == "denied":  # judge_line stops before the adjustments on a denied line
        terms, applied = apply_adjustments(policy, verdict.facts, verdict.rule.terms)
    fallback = "cancel_and_refund" if case.request.type == "cancellation" else "refund"
    options = resolution_options(terms, verdict.facts) or (fallback,)
    return replace(verdict, outcome="approved", terms=terms, options=options, evidence_missing=(),
                   resolution=choose_resolution(options, case.request), adjustments=applied)


def requested_items(case: Case) -> tuple[RequestItem, ...]:
    """The request's items, or every line's units not yet refunded when it names none.

    A line named twice (say one unit sealed, one damaged) never counts more units than are still open; a line
    with none left is kept, to be denied as already refunded.
    """
    if not case.request.items:
        open_lines = [li for li in case.order.line_items if li.open_quantity] or case.order.line_items
        return tuple(RequestItem(li.id, li.open_quantity or li.quantity) for li in open_lines)
    left = {li.id: li.open_quantity for li in case.order.line_items}
    out = []
    for item in case.request.items:
        line = case.order.line(item.line_item_id)
        if line is None or line.open_quantity == 0:
            out.append(item)  # denied: not part of the order, or nothing of it is left to ask for
        elif (take := min(item.quantity, left[line.id])) > 0:
            left[line.id] -= take
            out.append(item if take == item.quantity else replace(item, quantity=take))
    return tuple(out)
