"""`order.customer`: thresholds on the customer's history at the shop; false when the case has no customer."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from marshmallow import ValidationError, fields, post_load, validates_schema

from integration.contract.fields import Int, Money, StrictSchema
from integration.policy.conditions.base import Condition, each
from integration.policy.conditions.thresholds import Threshold, cut_points, threshold


class History(NamedTuple):
    """The customer's counts the case states; None where it states none (or has no customer)."""
    requests_last_365_days: int | None = None
    refunded_last_365_days: Decimal | None = None
    orders_count: int | None = None


_FLOORS = History(0, Decimal(0), 0)
_COUNT, _MONEY = threshold(lambda: Int(minimum=0), "3"), threshold(Money, '"200.00"')


@dataclass(frozen=True, slots=True)
class CustomerTest:
    """The thresholds written for each count (None: not written)."""
    requests_last_365_days: Threshold | None = None
    refunded_last_365_days: Threshold | None = None
    orders_count: Threshold | None = None

    def holds(self, history: History) -> bool:
        """True when every written threshold holds for a known count."""
        return all(bound is None or bound.holds(getattr(history, name))
                   for name, bound in zip(History._fields, (self.requests_last_365_days,
                                                            self.refunded_last_365_days, self.orders_count)))


class CustomerTestSchema(StrictSchema):
    requests_last_365_days = _COUNT()
    refunded_last_365_days = _MONEY()
    orders_count = _COUNT()

    @validates_schema
    def _some(self, data, **_kwargs):
        if not data:
            raise ValidationError("name at least one of requests_last_365_days, refunded_last_365_days, orders_count,"
                                  " e.g. {orders_count: {at_least: 2}}")

    @post_load
    def build(self, data, **_kwargs):
        return CustomerTest(**data)


def _fact(ctx) -> History:
    customer = ctx.case.order.customer
    if customer is None:
        return History()
    return History(customer.requests_last_365_days, customer.refunded_last_365_days, customer.orders_count)


def _space(policy, written: list[list]) -> list:
    tests = [t for ts in written for t in ts]
    axes = [cut_points([getattr(t, name) for t in tests], floor, unknown=True)
            for name, floor in zip(History._fields, _FLOORS)]
    return each(History(*combo) for combo in itertools.product(*axes))


CONDITION = Condition(
    key="customer", fact="customer_history", field=lambda: fields.Nested(CustomerTestSchema), default=History(),
    scope="order", fact_of=_fact,
    test=lambda wanted: (lambda f: wanted.holds(f.customer_history)),
    space=_space)
