"""The Admin API access scopes returnkit asks for, in one place (OAuth, shopify.app.toml and a schema test use it).

A `write_` scope grants the matching `read_` one, so only the write scope is listed. The test in
tests/webhooks/test_shopify_scopes.py derives what every document and webhook topic we use needs from
the real Admin schema and checks this list covers it, with nothing to spare.
"""

SCOPES = (
    "write_orders",       # refundCreate, orderUpdate, orderCancel, tagsAdd; orders/*, refunds/create topics
    "write_returns",      # returnApproveRequest, returnDeclineRequest, reverseDeliveryCreateWithShipping; returns/*
    "read_fulfillments",  # fulfillments/*, fulfillment_events/create topics
    "read_products",      # product lookups for item classes; products/* topics
    "read_locations",     # returnProcess restocks returned units at the order's fulfillment location
)


def implied(scopes) -> set[str]:
    """The scopes a grant covers: each listed scope, and `read_x` for every `write_x`."""
    granted = set(scopes)
    return granted | {"read_" + s[len("write_"):] for s in granted if s.startswith("write_")}


def scope_param(scopes=SCOPES) -> str:
    """The comma-separated form OAuth and shopify.app.toml use."""
    return ",".join(scopes)
