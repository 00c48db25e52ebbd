"""What a Shopify product looks like to its customer: the product's picture and each variant's title and picture.

REST bodies (products/create and update webhooks, https://shopify.dev/docs/api/admin-rest/latest/resources/product):
`image`/`images[]` {id, src, position}, `options[]` {name, position}, variants {title, option1..3, image_id}.
GraphQL (https://shopify.dev/docs/api/admin-graphql/latest/objects/Product): `featuredMedia.preview.image.url`,
variants {title, selectedOptions {name value}, media.nodes.preview.image.url}.
"""
from __future__ import annotations

from adapters.common import text_id

# A product without options has one variant titled "Default Title" under one option named "Title": no real choice.
DEFAULT_OPTION, DEFAULT_TITLE = "Title", "Default Title"
Look = tuple[str, "str | None", "str | None"]


def variant_title(options: list[tuple[str | None, str | None]], title: str | None) -> str | None:
    """"Size: M / Colour: Blue" from named options, else the variant's own title; None for the default variant."""
    named = [(name, value) for name, value in options if name and value and name != DEFAULT_OPTION]
    if named:
        return " / ".join(f"{name}: {value}" for name, value in named)
    return title if title and title != DEFAULT_TITLE else None


def _rest_images(payload: dict) -> tuple[dict[str, str], str | None]:
    images = sorted((i for i in payload.get("images") or () if isinstance(i, dict) and i.get("src")),
                    key=lambda i: i.get("position") or 0)
    by_id = {text_id(i["id"]): i["src"] for i in images if i.get("id") is not None}
    main = (payload.get("image") or {}).get("src") if isinstance(payload.get("image"), dict) else None
    return by_id, main or (images[0]["src"] if images else None)


def rest_looks(payload: dict) -> tuple[str | None, tuple[Look, ...]]:
    """The product's picture and (variant id, title, picture) of each variant, from a REST product body."""
    by_id, main = _rest_images(payload)
    names = {o.get("position"): o.get("name") for o in payload.get("options") or () if isinstance(o, dict)}
    looks = []
    for v in payload.get("variants") or ():
        if v.get("id") is None:
            continue
        options = [(names.get(n), v.get(f"option{n}")) for n in (1, 2, 3)]
        image = by_id.get(text_id(v["image_id"])) if v.get("image_id") is not None else None
        looks.append((text_id(v["id"]), variant_title(options, v.get("title")), image))
    return main, tuple(looks)


def _media_url(media: dict | None) -> str | None:
    return (((media or {}).get("preview") or {}).get("image") or {}).get("url")


def graphql_looks(product: dict, numeric) -> tuple[str | None, tuple[Look, ...]]:
    """The same from the ProductForReturns query's product."""
    looks = []
    for v in product["variants"]["nodes"]:
        options = [(o.get("name"), o.get("value")) for o in v.get("selectedOptions") or ()]
        nodes = (v.get("media") or {}).get("nodes") or ()
        looks.append((numeric(v["id"]), variant_title(options, v.get("title")), _media_url(nodes[0]) if nodes else None))
    return _media_url(product.get("featuredMedia")), tuple(looks)
