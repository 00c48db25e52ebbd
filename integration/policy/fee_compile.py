"""Build the compiled fees (model.Fee) from a validated `fees` section."""
from __future__ import annotations

from decimal import Decimal

from integration.policy import model
from integration.policy.document import ORDER_FEE_BASES

_HUNDRED = Decimal(100)


def _tiers(doc: dict | None) -> model.Tiers | None:
    if doc is None:
        return None
    steps = tuple(model.TierStep(s["from_day"], Decimal(s["percent"])) for s in doc["steps"])
    return model.Tiers(doc["from_"], doc["unit"], steps)


def _fee(doc: dict) -> model.Fee:
    base = doc.get("base") or ("fixed" if "amount" in doc else "items")
    percent = doc.get("percent")
    if percent is None and "amount" not in doc and "tiers" not in doc:
        percent = _HUNDRED   # a base alone (`{base: label}`) is charged in full
    per = doc.get("per") or ("order" if base in ORDER_FEE_BASES else "unit")
    return model.Fee(Decimal(percent) if percent is not None else None, doc.get("amount"), per,
                     doc.get("up_to", False), doc.get("floor"), doc.get("ceiling"), base,
                     doc.get("label") or ("return label" if base == "label" else None), _tiers(doc.get("tiers")))


def compile_fees(section: dict) -> dict[str, dict[str, model.Fee]]:
    """Schedule name -> condition -> the fee (a list's first fee, the others in its `also`)."""
    out: dict[str, dict[str, model.Fee]] = {}
    for name, schedule in section.items():
        out[name] = {}
        for condition, entry in schedule.items():
            fees = [_fee(doc) for doc in (entry if isinstance(entry, list) else [entry])]
            out[name][condition] = model.Fee(**{**_fields(fees[0]), "also": tuple(fees[1:])})
    return out


def _fields(fee: model.Fee) -> dict:
    return {k: getattr(fee, k) for k in model.Fee.__dataclass_fields__}
