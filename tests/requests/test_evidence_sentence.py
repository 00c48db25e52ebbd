"""What the shop still needs, in one sentence whose pronoun agrees with it ('photos ... Send them below', 'a video
... Send it below'), for every evidence kind, in English and in French."""
from types import SimpleNamespace

import pytest
from flask import Flask
from flask_babel import force_locale, gettext

from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.requests.customer_words import evidence_needed, label_is_plural
from integration.requests.next_steps import next_steps
from integration.web.customer_i18n import init_babel

NEEDS = "To decide, the shop needs "


def _steps(rt, shop_id: int, kinds: list[str], _=None, locale: str = "en") -> list[str]:
    """next_steps of a decision waiting for `kinds`, on a request in the shop's session."""
    row = SimpleNamespace(document={"outcome": "needs_evidence", "evidence_required": kinds}, actions=[])
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        case = ReturnCase(shop_id=shop_id, source="api", source_ref="s", request={})
        session.add(case)   # pending, never flushed: next_steps reads the merchant's kinds through its session
        with session.no_autoflush:
            return next_steps(shop, None, case, row, *((gettext, locale) if _ else ()))["steps"]


@pytest.mark.parametrize("kinds, sentence", [
    (["photos"], "photos of the item. Send them below."),
    (["video"], "a short video showing the problem. Send it below."),
    (["description"], "a few words describing what happened. Send them below."),
    (["video", "order_number"], "a short video showing the problem. Send it below."),   # never the order number
    (["photos", "video"], "photos of the item and a short video showing the problem. Send them below."),
    (["photos", "video", "description"], "photos of the item, a short video showing the problem, and a few words "
                                         "describing what happened. Send them below."),
])
def test_each_kind_gets_the_pronoun_it_agrees_with(rt, shops, kinds, sentence):
    assert _steps(rt, shops["shopify"].id, kinds) == [NEEDS + sentence]


def test_nothing_named_asks_for_more_information(rt, shops):
    assert _steps(rt, shops["shopify"].id, ["order_number"]) == [
        "To decide, the shop needs more information. Send it below."]


@pytest.mark.parametrize("words, plural", [("a photo of the packing slip", False), ("an invoice", False),
                                           ("one receipt", False), ("IMEI number", None), ("receipts", None)])
def test_a_merchants_kind_is_one_thing_only_when_its_words_say_so(words, plural):
    assert label_is_plural(words) is plural


def test_a_merchants_kind_of_unknown_number_needs_no_pronoun():
    assert evidence_needed([("your IMEI number", None)]) == (
        "To decide, the shop needs your IMEI number, which you can send below.")
    assert evidence_needed([("a photo of the packing slip", False)]) == (
        "To decide, the shop needs a photo of the packing slip. Send it below.")
    assert evidence_needed([("a photo of the packing slip", False), ("your IMEI number", None)]) == (
        "To decide, the shop needs a photo of the packing slip and your IMEI number. Send them below.")


def test_in_french_too(rt, shops):
    app = Flask(__name__)
    init_babel(app)
    with app.test_request_context(), force_locale("fr"):
        photos = _steps(rt, shops["shopify"].id, ["photos"], gettext, "fr")
        video = _steps(rt, shops["shopify"].id, ["video"], gettext, "fr")
        both = _steps(rt, shops["shopify"].id, ["photos", "video"], gettext, "fr")
        unknown = evidence_needed([("votre numéro IMEI", None)], gettext, "fr")
    needs = "Pour décider, la boutique a besoin de : "
    assert photos == [needs + "des photos de l'article. Envoyez-les ci-dessous."]
    assert video == [needs + "une courte vidéo montrant le problème. Vous pouvez l'envoyer ci-dessous."]
    assert both == [needs + "des photos de l'article et une courte vidéo montrant le problème. Envoyez-les ci-dessous."]
    assert unknown == needs + "votre numéro IMEI, à envoyer ci-dessous."
