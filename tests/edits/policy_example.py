"""An example policy that takes edit requests: the first 24 hours after purchase, personalisation until production."""
EDITS_POLICY = """
policy: edits-example
name: Edits example
timezone: America/Denver
clauses:
  edits: "You can change your address, size or colour within 24 hours of ordering."
  personal: "Personalised text can be changed until we start making your item."
  returns: "Returns within 30 days of delivery."
item_classes:
  - name: custom
    match: {tags: [personalized]}
windows:
  day_one: {from: purchase, hours: 24}
  before_production: {until: production_start}
  return: {from: delivery, days: 30}
rules:
  - id: personalisation-before-production
    clause: personal
    when: {type: [edit], edit_kind: [personalisation], window: {before_production: inside}}
    decide: approve
    resolution: [edit]
  - id: custom-no-variant-change
    clause: personal
    explain: a made-to-order item's size or colour cannot be changed
    when: {type: [edit], edit_kind: [variant], item_class: [custom]}
    decide: deny
  - id: edits-first-day
    clause: edits
    when: {type: [edit], edit_kind: [address, variant], window: {day_one: inside}}
    decide: approve
    resolution: [edit]
  - id: edits-too-late
    clause: edits
    explain: changes are possible for 24 hours after ordering
    when: {type: [edit]}
    decide: deny
  - id: returns
    clause: returns
    when: {type: [return], window: {return: inside}}
    decide: approve
    resolution: [refund]
    return: {required: true, shipping_paid_by: customer}
otherwise: {decide: review}
"""

PLACED = "2026-05-01T10:00:00-06:00"


def order(production_started_at=None) -> dict:
    """A two-line order: a T-shirt and an engraved ring (personalised)."""
    out = {"id": "1001", "currency": "USD", "placed_at": PLACED, "shipping_paid": "5.00",
           "line_items": [{"id": "11", "title": "T-shirt", "quantity": 2, "unit_price": "20.00"},
                          {"id": "12", "title": "Engraved ring", "quantity": 1, "unit_price": "80.00",
                           "tags": ["personalized"]}]}
    if production_started_at:
        out["production_started_at"] = production_started_at
    return out


ADDRESS = {"first_name": "Sam", "last_name": "Rivera", "address1": "400 Pine St", "city": "Denver",
           "province_code": "CO", "zip": "80202", "country_code": "US"}


def case(edit: dict, submitted_at: str, **order_kwargs) -> dict:
    """An edit request on the example order."""
    return {"request": {"type": "edit", "submitted_at": submitted_at, "edit": edit}, "order": order(**order_kwargs)}
