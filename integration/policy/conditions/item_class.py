"""`item_class`: the merchant's class of the line (custom, final sale...), by the policy's `item_classes`."""
from __future__ import annotations

from fnmatch import fnmatchcase

from integration.policy.conditions.base import Condition, each, member_of, strings


def classify(policy, line) -> str:
    """The policy's item class for a line: the first class any of whose criteria match."""
    tags = {t.lower() for t in line.tags}
    ptype, sku, title = (line.product_type or "").lower(), (line.sku or "").lower(), line.title.lower()
    for cls in policy.item_classes:
        if (cls.requires_shipping is not None and line.requires_shipping is cls.requires_shipping
                or not cls.tags.isdisjoint(tags) or ptype in cls.product_types
                or any(fnmatchcase(sku, p) for p in cls.skus)
                or any(fnmatchcase(title, p) for p in cls.titles)):
            return cls.name
    return policy.default_item_class


def _refs(value, doc):
    known = [c["name"] for c in doc["item_classes"]] + [doc["default_item_class"]]
    return [(name, known, "item_classes") for name in value]


CONDITION = Condition(
    key="item_class", fact="item_class", field=strings,
    fact_of=lambda ctx: classify(ctx.policy, ctx.line),
    test=lambda value: member_of("item_class", value),
    space=lambda policy, written: each(policy.class_names),
    refs=_refs)
