"""The actions a decision can plan, each kind with its payload's type: the contract between the outbox's planner
and every platform's action client (adapters/<platform>/actions.py)."""
from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields
from enum import StrEnum
from typing import ClassVar


class ActionKind(StrEnum):
    ORDER_NOTE = "order_note"
    CUSTOMER_NOTE = "customer_note"
    TAG_ORDER = "tag_order"
    APPROVE_RETURN = "approve_return"
    CREATE_RETURN = "create_return"
    DECLINE_RETURN = "decline_return"
    REFUND = "refund"
    CANCEL_ORDER = "cancel_order"
    RETURN_LABEL = "return_label"
    CREATE_REPLACEMENT = "create_replacement"
    CLOSE_RETURN = "close_return"
    CREATE_EXCHANGE = "create_exchange"
    CHANGE_ADDRESS = "change_address"
    CHANGE_VARIANT = "change_variant"


@dataclass(frozen=True)
class OrderNote:
    """A note for the merchant's staff on the order."""
    kind: ClassVar[ActionKind] = ActionKind.ORDER_NOTE
    order_id: str
    text: str


@dataclass(frozen=True)
class CustomerNote:
    """A message to the customer about the order (where the platform has such a channel)."""
    kind: ClassVar[ActionKind] = ActionKind.CUSTOMER_NOTE
    order_id: str
    text: str


@dataclass(frozen=True)
class TagOrder:
    """A tag on the order, for the merchant's own filters (or, with `remove`, the tag taken off again)."""
    kind: ClassVar[ActionKind] = ActionKind.TAG_ORDER
    order_id: str
    tag: str
    remove: bool = False


@dataclass(frozen=True)
class ApproveReturn:
    """Approve a return the customer opened on the platform."""
    kind: ClassVar[ActionKind] = ActionKind.APPROVE_RETURN
    return_id: str


@dataclass(frozen=True)
class CreateReturn:
    """Open a platform return for a request made through returnkit; `marker` finds it again."""
    kind: ClassVar[ActionKind] = ActionKind.CREATE_RETURN
    order_id: str
    lines: list
    marker: str | None
    requested_at: str | None
    exchanges: list = field(default_factory=list)   # [variant id, quantity]: what the customer gets instead


@dataclass(frozen=True)
class DeclineReturn:
    """Decline a return the customer opened on the platform, with the platform's reason and our words."""
    kind: ClassVar[ActionKind] = ActionKind.DECLINE_RETURN
    return_id: str
    reason: str
    note: str


@dataclass(frozen=True)
class Refund:
    """Money back for the approved lines (and shipping), by the decision's method. `amount` is the decision's
    total, tax included; the platform's own figure for the units and shipping, less `deductions` (taken on the
    pre-tax price), is what is paid."""
    kind: ClassVar[ActionKind] = ActionKind.REFUND
    order_id: str
    amount: str
    currency: str
    shipping: str | None
    lines: list
    deductions: str = "0"
    tax: str = "0"
    method: str = "original_payment"   # or store_credit: the customer is credited at the shop, not refunded to the card
    return_id: str | None = None       # the platform return the refund settles (processed with it), if any
    return_marker: str | None = None   # or the marker of the return our create_return opened
    restock: list = field(default_factory=list)   # line ids whose returned units go back on sale
    bonus: str | None = None   # store credit only: credited on top, once (the decision's credit.bonus)


@dataclass(frozen=True)
class CancelOrder:
    """Cancel the order, refunding and restocking it."""
    kind: ClassVar[ActionKind] = ActionKind.CANCEL_ORDER
    order_id: str
    amount: str
    currency: str
    refund: bool = True
    restock: bool = True


@dataclass(frozen=True)
class ReturnLabel:
    """A prepaid return label, bought once and sent to the customer (attached to the platform return if any)."""
    kind: ClassVar[ActionKind] = ActionKind.RETURN_LABEL
    order_id: str
    return_id: str | None
    lines: list
    return_marker: str | None = None


@dataclass(frozen=True)
class CreateReplacement:
    """A new order at no cost for the same items as the approved lines, linked to the original order and made
    once: `marker` finds it again."""
    kind: ClassVar[ActionKind] = ActionKind.CREATE_REPLACEMENT
    order_id: str
    lines: list
    marker: str


@dataclass(frozen=True)
class CloseReturn:
    """Process a platform return whose items the customer keeps and no money settles (a replacement, say): its
    lines, none back on sale."""
    kind: ClassVar[ActionKind] = ActionKind.CLOSE_RETURN
    restock: ClassVar[tuple] = ()   # the items stay with the customer
    return_id: str
    lines: list


@dataclass(frozen=True)
class CreateExchange:
    """An order for what the customer wants instead of the approved lines ([line id, variant id, quantity] each),
    linked to the original and made once (`marker` finds it again); its stock is checked right before, and out of
    stock the order is tagged for review with a staff note. A dearer exchange is left to pay only when
    `pay_difference` (the policy allows it)."""
    kind: ClassVar[ActionKind] = ActionKind.CREATE_EXCHANGE
    order_id: str
    wants: list
    marker: str
    currency: str
    review_tag: str          # what the order is tagged when the exchange cannot be made
    pay_difference: bool = False
    lines: list = field(default_factory=list)     # [line id, quantity] given back (a platform return's lines)
    restock: list = field(default_factory=list)   # line ids whose returned units go back on sale
    return_id: str | None = None       # the platform return the exchange rides on, if any
    return_marker: str | None = None   # or the marker of the return our create_return opened


@dataclass(frozen=True)
class ChangeAddress:
    """An approved edit request's new shipping address on the order (the case's `edit.address` fields)."""
    kind: ClassVar[ActionKind] = ActionKind.CHANGE_ADDRESS
    order_id: str
    address: dict


@dataclass(frozen=True)
class ChangeVariant:
    """An approved edit request's size or colour change on the order itself: `quantity` units of line `line_id` become
    variant `variant_id` (the customer is not notified by the platform; returnkit tells them)."""
    kind: ClassVar[ActionKind] = ActionKind.CHANGE_VARIANT
    order_id: str
    line_id: str
    variant_id: str
    quantity: int


def exchange_out_of_stock(variants: list[str]) -> str:
    """The staff note when an exchange's variants are out of stock as it is about to be made."""
    return (f"returnkit: the exchange cannot be made: variant {', '.join(variants)} is out of stock. Decide the "
            "request again on review (the policy's out-of-stock terms apply) or ship it when it is back.")


PAYLOADS: dict[ActionKind, type] = {cls.kind: cls for cls in (
    OrderNote, CustomerNote, TagOrder, ApproveReturn, CreateReturn, DeclineReturn, Refund, CancelOrder, ReturnLabel,
    CreateReplacement, CloseReturn, CreateExchange, ChangeAddress, ChangeVariant)}


class InvalidPayload(ValueError):
    """A stored payload that does not fit its kind; the message names the kind and the field."""


def payload_json(payload) -> dict:
    """The payload as stored with its action: every field, less the optional ones left unset."""
    unset = {f.name for f in fields(payload) if f.default is None and getattr(payload, f.name) is None}
    return {k: v for k, v in asdict(payload).items() if k not in unset}


def payload_of(kind: str, data: dict):
    """The typed payload of a stored action; InvalidPayload for an unknown kind, a missing or an unknown field."""
    try:
        cls = PAYLOADS[ActionKind(kind)]
    except ValueError:
        raise InvalidPayload(f"kind: {kind!r} is not an action returnkit plans") from None
    names = {f.name for f in fields(cls)}
    missing = [f.name for f in fields(cls) if f.name not in data and f.default is MISSING and f.default_factory is MISSING]
    if missing or set(data) - names:
        field = (missing or sorted(set(data) - names))[0]
        raise InvalidPayload(f"{kind}.{field}: {'is required' if missing else 'is not a field of this action'}")
    return cls(**data)
