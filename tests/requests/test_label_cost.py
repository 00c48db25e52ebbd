"""A fee on the label the shop bought (`base: label`) reads the label's cost from the succeeded label action."""
from types import SimpleNamespace as NS

from integration.requests.decide import with_label_cost


def _case(*actions) -> NS:
    return NS(decisions=[NS(actions=list(actions))])


def _label(state="succeeded", cost="7.35", currency="USD") -> NS:
    return NS(kind="return_label", state=state, result={"cost": cost, "currency": currency, "label_url": "u"})


def test_the_bought_labels_cost_goes_into_the_request_in_the_orders_currency_only():
    usd = NS(currency="USD")
    request = {"type": "return"}
    assert with_label_cost(_case(_label()), usd, request) == {"type": "return", "return_label_cost": "7.35"}
    assert with_label_cost(_case(_label(state="retrying")), usd, request) == request      # not bought yet
    assert with_label_cost(_case(_label(currency="CAD")), usd, request) == request        # another currency
    assert with_label_cost(_case(NS(kind="refund", state="succeeded", result={"cost": "1"})), usd, request) == request
    assert with_label_cost(_case(), usd, request) == request
