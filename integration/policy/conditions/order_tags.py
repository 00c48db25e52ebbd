"""`order.tags`: the order carries any of these tags (compared without case)."""
from integration.policy.conditions.base import Condition, each, strings


def _test(tags):
    wanted = frozenset(t.lower() for t in tags)
    return lambda f: not wanted.isdisjoint(f.order_tags)


CONDITION = Condition(
    key="tags", fact="order_tags", field=strings, default=frozenset(), scope="order",
    fact_of=lambda ctx: frozenset(t.lower() for t in ctx.case.order.tags),
    test=_test,
    space=lambda policy, written: each([frozenset()] + [frozenset([t.lower()]) for ts in written for t in ts]))
