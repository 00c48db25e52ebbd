"""`order.customer_tags`: the customer carries any of these tags (compared without case); none without a customer."""
from integration.policy.conditions.base import Condition, each, strings


def _test(tags):
    wanted = frozenset(t.lower() for t in tags)
    return lambda f: not wanted.isdisjoint(f.customer_tags)


def _fact(ctx) -> frozenset:
    customer = ctx.case.order.customer
    return frozenset(t.lower() for t in customer.tags) if customer else frozenset()


CONDITION = Condition(
    key="customer_tags", fact="customer_tags", field=strings, default=frozenset(), scope="order",
    fact_of=_fact, test=_test,
    space=lambda policy, written: each([frozenset()] + [frozenset([t.lower()]) for ts in written for t in ts]))
