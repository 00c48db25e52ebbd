"""Deterministic generator of realistic decision cases (contract JSON) for benchmarks."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

TYPES = ["return"] * 6 + ["exchange"] * 2 + ["cancellation", "warranty"]
REASONS = ["damaged_in_transit", "defective", "wrong_item", "not_as_described", "changed_mind",
           "ordered_wrong_variant", "cosmetic_variation", "late_delivery", "other"]
CONDITIONS = [None, "sealed", "unused", "used", "modified", "damaged"]
TAGS = [[], ["custom"], ["final-sale"], ["personalized"], ["gift"], []]
ZONE = timezone(timedelta(hours=-6))


def _line(rng: random.Random, number: int) -> dict:
    line = {"id": str(number), "title": f"Item {number}", "sku": f"SKU-{number}",
            "quantity": rng.randint(1, 3), "unit_price": f"{rng.randint(5, 300)}.{rng.randint(0, 99):02d}",
            "tags": rng.choice(TAGS), "requires_shipping": rng.random() > 0.05}
    return line


def make_case(rng: random.Random, index: int) -> dict:
    """One random case: 1-3 lines, dates spread around every window boundary."""
    placed = datetime(2026, 3, 1, 9, tzinfo=ZONE) + timedelta(days=rng.randint(0, 200), minutes=rng.randint(0, 1440))
    delivered = placed + timedelta(days=rng.randint(2, 12)) if rng.random() > 0.1 else None
    submitted = (delivered or placed) + timedelta(hours=rng.randint(0, 24 * 40))
    lines = [_line(rng, n) for n in range(1, rng.randint(1, 3) + 1)]
    kind = rng.choice(TYPES)
    items = [] if kind == "cancellation" else [
        {"line_item_id": li["id"], "quantity": 1,
         **({"condition": c} if (c := rng.choice(CONDITIONS)) else {}),
         **({"exchange_in_stock": rng.random() > 0.3} if kind == "exchange" else {})}
        for li in rng.sample(lines, rng.randint(1, len(lines)))]
    return {
        "id": f"bench-{index}",
        "request": {"type": kind, "submitted_at": submitted.isoformat(), "reason": rng.choice(REASONS),
                    "items": items, "evidence": {"photos": rng.randint(0, 2), "videos": rng.randint(0, 1),
                                                 "description": rng.random() > 0.3},
                    **({"preferred_resolution": rng.choice(["refund", "exchange", "store_credit", "replacement"])}
                       if rng.random() > 0.5 else {})},
        "order": {"id": str(5000 + index), "currency": "USD", "placed_at": placed.isoformat(),
                  "shop_country": "US", "destination_country": rng.choice(["US", "US", "CA"]),
                  "is_gift": rng.random() < 0.1, "shipping_paid": f"{rng.randint(0, 15)}.00",
                  "production_started_at": (placed + timedelta(hours=rng.randint(0, 48))).isoformat()
                  if rng.random() > 0.3 else None,
                  "delivered_at": delivered.isoformat() if delivered else None, "line_items": lines},
    }


def make_cases(count: int, seed: int = 7) -> list[dict]:
    """`count` cases from a fixed seed: the same cases in every run."""
    rng = random.Random(seed)
    return [make_case(rng, i) for i in range(count)]
