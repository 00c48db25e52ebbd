"""What a WooCommerce product looks like to its customer: its picture and each variation's title and picture.

Product (https://woocommerce.github.io/woocommerce-rest-api-docs/#product-properties): `images[]` {id, src}, the
first being the featured image. Variation (https://woocommerce.github.io/woocommerce-rest-api-docs/#product-variations,
GET products/<id>/variations): `attributes[]` {id, name, option} and `image` {id, src}. The product webhook lists
its variations' ids only, so their titles come from the variations endpoint (adapters/woocommerce/client.py).
"""
from __future__ import annotations

from adapters.common import text_id

Look = tuple[str, "str | None", "str | None"]


def _src(image) -> str | None:
    return image.get("src") or None if isinstance(image, dict) else None


def product_image(payload: dict) -> str | None:
    """The product's featured picture: the first of `images`."""
    images = [i for i in payload.get("images") or () if _src(i)]
    return _src(images[0]) if images else None


def variation_title(attributes) -> str | None:
    """"Size: M / Colour: Blue" from a variation's attributes; an "any" attribute (no option) is left out."""
    named = [(a.get("name"), a.get("option")) for a in attributes or () if isinstance(a, dict)]
    words = [f"{name}: {option}" for name, option in named if name and option]
    return " / ".join(words) or None


def variation_looks(variations: list) -> tuple[Look, ...]:
    """(variation id, title, picture) of each variation the endpoint returned."""
    return tuple((text_id(v["id"]), variation_title(v.get("attributes")), _src(v.get("image")))
                 for v in variations if isinstance(v, dict) and v.get("id") is not None)
