"""Hypothesis strategies for contract cases (JSON) and compilable policies (documents), plus shared helpers."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from integration.domain import vocabulary as vocab
from integration.money import exponent
from integration.policy.loader import parse_policy

CURRENCIES = ("USD", "EUR", "JPY", "KWD", "GBP")
TAGS = ("custom", "final-sale", "digital", "gift", "sale", "bulk")
ZONES = ("America/Chicago", "Europe/London", "Australia/Sydney", "Asia/Tokyo", "America/Santiago", "UTC")
UTC = timezone.utc
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
CONDITION_KEYS = vocab.CONDITIONS + (vocab.UNKNOWN_CONDITION, "any")


# --- money and time ---------------------------------------------------------------------------

def money_text(amount: Decimal) -> str:
    """A Decimal as the contract's plain decimal string (never exponent notation)."""
    return format(amount, "f")


@st.composite
def money(draw, currency: str, max_minor: int = 10**7, extra: bool = False) -> str:
    """A decimal string with the currency's decimals, or (extra=True, sometimes) 1-3 more."""
    places = exponent(currency) + (draw(st.integers(1, 3)) if extra and draw(st.booleans()) else 0)
    return money_text(Decimal(draw(st.integers(0, max_minor))).scaleb(-places))


offsets = st.integers(-12 * 4, 14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
"""Fixed UTC offsets a timestamp may be written in, in quarter hours from -12:00 to +14:00."""


def stamp(instant: datetime, offset: timezone, zulu: bool = False) -> str:
    """An instant written as RFC 3339 in the given offset (or with 'Z')."""
    if zulu:
        return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return instant.astimezone(offset).isoformat()


@st.composite
def written(draw, instant: datetime) -> str:
    """The instant written in a random offset."""
    return stamp(instant, draw(offsets), draw(st.booleans()) and draw(st.booleans()))


def instants(days: int = 5 * 366) -> st.SearchStrategy[datetime]:
    """UTC instants (whole seconds) in 2024-2028."""
    return st.integers(0, days * 86400).map(lambda s: EPOCH + timedelta(seconds=s))


def local_instant(day: date, clock: time, zone: ZoneInfo, fold: int = 0) -> datetime:
    """The UTC instant of a local wall time in the zone (gaps resolve as zoneinfo does)."""
    return datetime.combine(day, clock, tzinfo=zone).replace(fold=fold).astimezone(UTC)


def paid(case: dict) -> Decimal:
    """What the customer paid: sum of unit_price * quantity over every line, plus shipping_paid."""
    order = case["order"]
    return (sum((Decimal(li["unit_price"]) * li["quantity"] for li in order["line_items"]), Decimal(0))
            + Decimal(order.get("shipping_paid", "0")))


# --- cases ------------------------------------------------------------------------------------

def optional(key: str, strategy) -> st.SearchStrategy[dict]:
    """{key: value} or {} (the key absent)."""
    return st.one_of(st.just({}), strategy.map(lambda v: {key: v}))


LINE_EXTRAS = st.fixed_dictionaries({}, optional={
    "sku": st.sampled_from(["CUST-1", "STD-2"]), "tags": st.lists(st.sampled_from(TAGS), max_size=3),
    "product_type": st.sampled_from(["apparel", "digital", "motor"]), "requires_shipping": st.booleans()})
ITEM_EXTRAS = st.fixed_dictionaries({}, optional={
    "condition": st.sampled_from(vocab.CONDITIONS), "exchange_in_stock": st.booleans()})
REQUEST_EXTRAS = st.fixed_dictionaries({}, optional={
    "reason": st.sampled_from(vocab.REASONS),
    "evidence": st.fixed_dictionaries({}, optional={"photos": st.integers(0, 3), "videos": st.integers(0, 2),
                                                    "description": st.booleans()}),
    "preferred_resolution": st.sampled_from(vocab.PREFERRED_RESOLUTIONS), "inspected": st.booleans()})
ORDER_EXTRAS = st.fixed_dictionaries({}, optional={
    "shop_country": st.sampled_from(["US", "CA", "GB", "JP"]),
    "destination_country": st.sampled_from(["US", "CA", "GB", "JP"]),
    "is_gift": st.booleans(), "tags": st.lists(st.sampled_from(TAGS), max_size=2)})


@st.composite
def line_items(draw, currency: str, placed: datetime, extra: bool) -> list[dict]:
    """1-4 order lines with unique ids."""
    out = []
    for i in range(draw(st.integers(1, 4))):
        line = {"id": f"L{i + 1}", "title": draw(st.sampled_from(["Mug", "Print", "Stepper", "Hoodie"])),
                "quantity": draw(st.integers(1, 5)), "unit_price": draw(money(currency, extra=extra))}
        line |= draw(LINE_EXTRAS)
        line |= draw(optional("delivered_at", maybe_after(placed, 20)))
        out.append(line)
    return out


def maybe_after(start: datetime, max_days: int) -> st.SearchStrategy[str | None]:
    """None, or a written instant up to max_days after start."""
    later = st.integers(0, max_days * 86400).map(lambda s: start + timedelta(seconds=s)).flatmap(written)
    return st.one_of(st.none(), later)


@st.composite
def request_items(draw, lines: list[dict], duplicates: bool) -> list[dict]:
    """What the request is about: existing lines (sometimes too many units), an unknown id, or nothing."""
    ids = [li["id"] for li in lines] + ["nope"]
    chosen = draw(st.lists(st.sampled_from(ids), max_size=4, unique=not duplicates))
    items = []
    for line_id in chosen:
        ordered = next((li["quantity"] for li in lines if li["id"] == line_id), 2)
        item = {"line_item_id": line_id, "quantity": draw(st.integers(1, ordered + 2))}
        item |= draw(ITEM_EXTRAS)
        items.append(item)
    return items


@st.composite
def requests(draw, placed: datetime, lines: list[dict], duplicates: bool) -> dict:
    """The request part of a case."""
    submitted = placed + timedelta(seconds=draw(st.integers(0, 90 * 86400)))
    # An edit request carries its `edit` (tests/edits cover those): the cases here are the other kinds.
    req = {"type": draw(st.sampled_from([t for t in vocab.REQUEST_TYPES if t != "edit"])),
           "submitted_at": draw(written(submitted))}
    if draw(st.integers(0, 4)):
        req["items"] = draw(request_items(lines, duplicates))
    return req | draw(REQUEST_EXTRAS)


@st.composite
def cases(draw, extra: bool = True, duplicates: bool = False) -> dict:
    """A valid case; extra: amounts may have more decimals than the currency; duplicates: a line may be named twice."""
    currency = draw(st.sampled_from(CURRENCIES))
    placed = draw(instants())
    lines = draw(line_items(currency, placed, extra))
    order = {"id": draw(st.sampled_from(["1001", "A-7"])), "currency": currency, "placed_at": draw(written(placed)),
             "line_items": lines}
    order |= draw(optional("shipping_paid", money(currency, 10**5, extra)))
    order |= draw(optional("delivered_at", maybe_after(placed, 20)))
    order |= draw(optional("production_started_at", maybe_after(placed, 5)))
    order |= draw(ORDER_EXTRAS)
    case = {"request": draw(requests(placed, lines, duplicates)), "order": order}
    return draw(optional("id", st.text("abc123-", min_size=1, max_size=6))) | case


# --- policies ---------------------------------------------------------------------------------

LENGTH_UNITS = {"days": 60, "hours": 72, "months": 12, "years": 2}
ANCHORED = st.sampled_from(sorted(LENGTH_UNITS)).flatmap(lambda unit: st.fixed_dictionaries({
    "from": st.sampled_from(["delivery", "purchase", "production_start"]),
    unit: st.integers(0, LENGTH_UNITS[unit])}))
WINDOW = st.one_of(st.just({"until": "production_start"}),
                   st.tuples(ANCHORED, optional("fallback", ANCHORED)).map(lambda t: t[0] | t[1]))
PERCENT = st.integers(0, 10000).map(lambda n: money_text(Decimal(n).scaleb(-2)))
FEE = st.tuples(st.one_of(
    PERCENT.map(lambda p: {"percent": p}),
    st.tuples(money("KWD", 5 * 10**5), optional("per", st.sampled_from(["unit", "line"])))
    .map(lambda t: {"amount": t[0]} | t[1])), optional("up_to", st.booleans())).map(lambda t: t[0] | t[1])
SCHEDULE = st.dictionaries(st.sampled_from(CONDITION_KEYS), FEE, min_size=1, max_size=4)


@cache
def subset(values: tuple, min_size: int = 1) -> st.SearchStrategy[list]:
    """A non-empty (by default) list of distinct values."""
    return st.lists(st.sampled_from(values), min_size=min_size, max_size=3, unique=True)


@cache
def when_doc(windows: tuple, classes: tuple, depth: int = 0) -> st.SearchStrategy[dict]:
    """A rule's `when`: a random handful of conditions (and maybe one any_of)."""
    opt = {"type": subset(vocab.REQUEST_TYPES), "reason": subset(vocab.REASONS),
           "item_class": subset(classes), "condition": subset(vocab.CONDITIONS + (vocab.UNKNOWN_CONDITION,)),
           "out_of_stock": st.booleans(), "inspected": st.booleans(),
           "order": st.fixed_dictionaries({}, optional={"gift": st.booleans(), "international": st.booleans(),
                                                        "min_units": st.integers(1, 6), "tags": subset(TAGS)})}
    if windows:
        opt["window"] = st.dictionaries(st.sampled_from(windows), st.sampled_from(["inside", "outside", "unknown"]),
                                        min_size=1, max_size=2)
    if depth == 0:
        opt["any_of"] = st.lists(when_doc(windows, classes, 1), min_size=1, max_size=2)
    return st.fixed_dictionaries({}, optional=opt)


@cache
def refund_doc(fees: bool) -> st.SearchStrategy[dict]:
    """Refund terms: shipping, deductions (when a schedule exists), timing, days, method."""
    opt = {"shipping": st.sampled_from(["yes", "no", "whole_order"]),
           "timing": st.sampled_from(vocab.REFUND_TIMINGS), "within_business_days": st.integers(0, 30),
           "method": st.sampled_from(vocab.REFUND_METHODS)}
    if fees:
        opt["deductions"] = st.just("schedule")
    return st.fixed_dictionaries({}, optional=opt)


@cache
def rule_doc(i: int, windows: tuple, classes: tuple, fees: bool) -> st.SearchStrategy[dict]:
    """A rule that always compiles: granting rules name a resolution and who pays return shipping."""
    grant = st.fixed_dictionaries({"resolution": subset(vocab.RESOLUTIONS)}, optional={
        "if_out_of_stock": subset(vocab.RESOLUTIONS, 0), "evidence": subset(vocab.EVIDENCE_KINDS)})
    rule = st.fixed_dictionaries({
        "id": st.just(f"r{i}"), "clause": st.sampled_from(["c0", "c1"]), "when": when_doc(windows, classes),
        "decide": st.sampled_from(["approve", "deny", "review"])}, optional={
        "return": st.fixed_dictionaries({"required": st.booleans(), "shipping_paid_by": st.sampled_from(vocab.PAYERS)}),
        "refund": refund_doc(fees)})
    return st.tuples(rule, grant).map(lambda t: t[0] | (t[1] if t[0]["decide"] != "deny" else {}))


CLASSES = st.sampled_from([(), (("custom", {"tags": ["custom"]}),),
                           (("final_sale", {"tags": ["final-sale"]}), ("digital", {"requires_shipping": False}))])


@st.composite
def policy_docs(draw) -> dict:
    """A random policy document that always compiles."""
    windows = {f"w{i}": draw(WINDOW) for i in range(draw(st.integers(1, 4)))}
    classes = draw(CLASSES)
    fees = draw(st.booleans())
    doc = {"policy": "generated", "name": "Generated policy", "timezone": draw(st.sampled_from(ZONES)),
           "clauses": {"c0": "Returns within the window.", "c1": "Custom items are final."},
           "item_classes": [{"name": n, "match": m} for n, m in classes], "windows": windows}
    if fees:
        doc["fees"] = {"schedule": draw(SCHEDULE)}
        if draw(st.booleans()):
            doc["defaults"] = {"refund": {"deductions": "schedule"}}
    names = tuple(n for n, _ in classes) + ("standard",)
    doc["rules"] = [draw(rule_doc(i, tuple(windows), names, fees)) for i in range(draw(st.integers(1, 8)))]
    if draw(st.booleans()):
        doc["adjustments"] = [{"id": "a0", "clause": "c0", "when": draw(when_doc(tuple(windows), names, 1)),
                               "refund": draw(refund_doc(fees).filter(bool))}]
    doc["otherwise"] = {"decide": draw(st.sampled_from(["approve", "deny", "review"]))}
    return doc


policies = policy_docs().map(parse_policy)
"""Compiled random policies."""
