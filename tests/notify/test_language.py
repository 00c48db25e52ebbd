"""The customer's emails in the customer's language (issue 19): the customer page's language is remembered with the
request, a request from another channel takes the shop's, and every email is written in it, worker included."""
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import has_app_context, has_request_context
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.notify_models import Announcement, Message
from integration.db.order_models import Order
from integration.db.request_models import Action, ReturnCase
from integration.notify import language
from integration.notify.announce import announce
from integration.notify.emails import amount_text, compose, preview, save_settings
from integration.outbox import run as outbox
from integration.requests.decide import submit_request
from tests.orders.test_picture import STORY, replay
from tests.outbox.test_run import FakeGateway
from tests.web.test_customer_experience import PAGE
from tests.web.test_customer_pages import customer  # noqa: F401  (the fixture)
from tests.web_helpers import csrf_from

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-US,en"}
# Approved by the Kaolate policy: a defective item with its photos (the shop pays the return, the refund after it).
APPROVABLE = {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "defective",
              "items": [{"line_item_id": "9002", "quantity": 1}], "evidence": {"photos": 2}}
CANCEL_DENIED = "production has started, so the order can no longer be cancelled"   # Kaolate's rule, as written


def _emails(rt, shop_id: int) -> dict[str, Message]:
    with rt.sessions() as session:
        return {m.step: m for m in session.scalars(select(Message).where(Message.shop_id == shop_id,
                                                                         Message.channel == "email"))}


def _cancel_on_the_page(client, headers):
    client.post(PAGE, headers=headers, data={"csrf_token": csrf_from(client.get(PAGE, headers=headers).data),
                                             "order_number": "1001", "email": "jane.buyer@example.com"})
    form = client.get(f"{PAGE}/new", headers=headers).data
    nonce = re.search(rb'name="nonce" value="([^"]+)"', form)[1].decode()
    sent = client.post(f"{PAGE}/new", headers=headers, data={"csrf_token": csrf_from(form), "nonce": nonce,
                                                             "type": "cancellation"})
    assert sent.status_code == 302


def _submit(rt, shop_id: int, ref: str, source: str = "api", locale: str | None = None) -> int:
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        order = session.scalar(select(Order).where(Order.shop_id == shop_id, Order.order_id == "5550001"))
        case, decision = submit_request(session, shop, order, APPROVABLE, source, ref, locale=locale)
        assert decision.outcome == "approved"
        return decision.id


def _set_language(rt, shop_id: int, value: str | None) -> None:
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        shop.settings = {**(shop.settings or {}), "language": value}


def test_a_french_customer_on_the_page_gets_french_emails_and_the_request_keeps_fr(customer, rt, shops):  # noqa: F811
    _cancel_on_the_page(customer, FRENCH)
    emails = _emails(rt, shops["shopify"].id)
    assert emails["received"].subject == "Nous avons bien reçu votre demande concernant la commande #1001"
    assert emails["received"].body.startswith("Merci : nous avons bien reçu votre demande concernant la commande "
                                              "#1001. Nous vous écrirons à chaque étape.")
    denied = emails["denied"]
    assert denied.subject == "À propos de votre demande sur la commande #1001"
    assert denied.body.split("\n\n") == [
        "Nous avons examiné votre demande concernant la commande #1001, et nous ne pouvons pas l'accepter.",
        f"Motif : {CANCEL_DENIED}",   # the merchant's own words stay as written
        "Pour en parler avec la boutique, écrivez à kaolate-demo.myshopify.com.", "Kaolate Demo"]
    with rt.sessions() as session:
        remembered = session.scalar(select(Announcement.data).where(Announcement.event == "request.received"))
    assert remembered["locale"] == "fr"


def test_an_english_customer_on_the_page_gets_english_emails(customer, rt, shops):  # noqa: F811
    _set_language(rt, shops["shopify"].id, "fr")   # the browser's language wins over the shop's, as on the page
    _cancel_on_the_page(customer, ENGLISH)
    emails = _emails(rt, shops["shopify"].id)
    assert emails["received"].subject == "We received your request about order #1001"
    assert emails["denied"].subject == "About your request on order #1001"
    assert emails["denied"].body.split("\n\n")[:3] == [
        "We looked at your request about order #1001, and we cannot accept it.", f"Why: {CANCEL_DENIED}",
        "To talk to the shop about it, write to kaolate-demo.myshopify.com."]


def test_a_french_approval_has_its_next_steps_in_french_and_the_webhook_data_stays_english(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY)
    _submit(rt, shops["shopify"].id, "fr-1", locale="fr")
    approved = _emails(rt, shops["shopify"].id)["approved"]
    assert approved.subject == "Votre demande concernant la commande #1001 est acceptée"
    assert approved.body.split("\n\n") == [
        "Bonne nouvelle : votre demande concernant la commande #1001 est acceptée.",
        "La boutique paie le retour : attendez ses instructions avant de renvoyer le ou les articles.",
        "Une fois l'article reçu et contrôlé, 68.24 USD vous sont remboursés sur votre moyen de paiement d'origine "
        "sous 10 jours ouvrés.", "Kaolate Demo"]
    with rt.sessions() as session:
        data = session.scalar(select(Announcement.data).where(Announcement.event == "request.decided"))
    assert data["next_steps"][1] == ("Once the item arrives and passes inspection, 68.24 USD comes back to your "
                                     "original payment method within 10 business days.")


def _refund(rt, decision_id: int, shop_id: int, amount: str, method: str) -> str:
    with transaction(rt.sessions) as session:
        action = Action(shop_id=shop_id, decision_pk=decision_id, kind="refund", idempotency_key=f"rk-{decision_id}",
                        payload={"order_id": "5550001", "amount": amount, "currency": "USD", "shipping": None,
                                 "lines": [], "method": method})
        session.add(action)
    assert not has_app_context() and not has_request_context()   # the worker: no Flask, no request
    return outbox.run_action(rt, action.id, FakeGateway())


def test_the_worker_writes_a_french_refund_email_in_french_even_after_the_shop_changed_language(
        client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY)
    shop_id = shops["shopify"].id
    decision_id = _submit(rt, shop_id, "fr-2", locale="fr")
    _set_language(rt, shop_id, "en")   # the request remembers the language it was made in
    assert _refund(rt, decision_id, shop_id, "1234.50", "original_payment") == "succeeded"
    refunded = _emails(rt, shop_id)["refunded"]
    assert refunded.subject == "Votre remboursement pour la commande #1001 est en route"
    assert refunded.body.split("\n\n") == [
        "Nous avons versé ce que nous vous devons pour la commande #1001.",
        "Remboursé sur votre moyen de paiement d'origine : 1\u202f234,50 USD", "Kaolate Demo"]


def test_an_english_customers_refund_email_is_english(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY)
    shop_id = shops["shopify"].id
    assert _refund(rt, _submit(rt, shop_id, "en-1", locale="en"), shop_id, "25.00", "store_credit") == "succeeded"
    refunded = _emails(rt, shop_id)["refunded"]
    assert refunded.subject == "Your money for order #1001 is on its way"
    assert refunded.body.split("\n\n")[1:] == ["Store credit: 25.00 USD", "Kaolate Demo"]


def test_a_platform_return_takes_the_shops_language_and_a_language_we_do_not_ship_falls_back(
        client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY)
    shop_id = shops["shopify"].id
    _set_language(rt, shop_id, "fr")
    _submit(rt, shop_id, "gid://shopify/Return/1", source="shopify_return")   # no page, no browser: the shop's
    assert _emails(rt, shop_id)["approved"].subject == "Votre demande concernant la commande #1001 est acceptée"
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        assert [language.request_locale(shop, chosen) for chosen in ("de-DE", "fr-CA", "en", None)] == [
            "fr", "fr", "en", "fr"]
        shop.settings = {**shop.settings, "language": None}
        assert language.request_locale(shop, None) == "en"


def _shop(**settings) -> Shop:
    return Shop(domain="kaolate-demo.myshopify.com", platform="shopify", settings=settings)


def test_a_missing_translation_falls_back_to_english_and_the_rest_stays_french(tmp_path, monkeypatch):
    source = (language.CATALOGS / "fr" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    untranslated = source.replace('msgstr "Votre demande concernant la commande {order} est acceptée"', 'msgstr ""')
    missing = re.sub(r'#, python-format\nmsgid "Your prepaid return label: %\(url\)s"\nmsgstr "[^"]*"\n', "",
                     untranslated)
    assert missing != untranslated != source
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fr" / "LC_MESSAGES" / "messages.po").write_text(missing, encoding="utf-8")
    monkeypatch.setattr(language, "CATALOGS", tmp_path)
    email = compose(_shop(), "approved", "#1001", {"label_url": "https://l.example/1.pdf"}, locale="fr")
    assert email.subject == "Your request about order #1001 is approved"
    assert email.body.split("\n\n")[:2] == ["Bonne nouvelle : votre demande concernant la commande #1001 est acceptée.",
                                            "Your prepaid return label: https://l.example/1.pdf"]


def test_the_merchants_own_texts_stay_as_written_and_ours_are_translated():
    shop = _shop(language="fr")
    save_settings(shop, {"subject-approved": "Bravo {order}!", "opening-denied": "Sorry about {order}.",
                         "subject-denied": "About your request on order {order}"}, switch=True)   # ours, as shown
    approved = compose(shop, "approved", "#7", {"next_steps": []}, locale="fr")
    denied = compose(shop, "denied", "#7", {}, locale="fr")
    assert (approved.subject, approved.body.split("\n\n")[0]) == (
        "Bravo #7!", "Bonne nouvelle : votre demande concernant la commande #7 est acceptée.")
    assert (denied.subject, denied.body.split("\n\n")[:2]) == (
        "À propos de votre demande sur la commande #7",
        ["Sorry about #7.", "Motif : la politique de retour de la boutique ne couvre pas cette demande."])


def test_dates_are_the_shops_day_in_the_customers_words_and_amounts_their_numbers():
    late_evening_in_denver = datetime(2026, 12, 11, 3, 0, tzinfo=timezone.utc)
    denver = ZoneInfo("America/Denver")
    french = compose(_shop(), "parcel_received", "#7", {}, locale="fr", at=late_evening_in_denver, zone=denver)
    english = compose(_shop(), "parcel_received", "#7", {}, locale="en", at=late_evening_in_denver, zone=denver)
    assert french.body.split("\n\n")[1] == "Il a été livré le jeudi 10 décembre."
    assert english.body.split("\n\n")[1] == "It was delivered on Thursday 10 December."
    assert [amount_text("1234.5", "USD", "en"), amount_text("1234.50", "EUR", "fr"),
            amount_text("1500", "JPY", "fr")] == ["1,234.50 USD", "1\u202f234,50 EUR", "1\u202f500 JPY"]


def test_the_parcel_email_is_dated_in_the_shops_zone(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY)
    shop_id = shops["shopify"].id
    _submit(rt, shop_id, "fr-3", locale="fr")
    with transaction(rt.sessions) as session:
        announce(session, session.scalar(select(ReturnCase).where(ReturnCase.source_ref == "fr-3")),
                 "return.delivered", {"tracking_code": "EZ1"})
    with rt.sessions() as session:
        at = session.scalar(select(Announcement.created_at).where(Announcement.event == "return.delivered"))
    day = at.astimezone(ZoneInfo("America/Denver")).date()   # Kaolate's policy zone
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre"]
    weekdays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    assert _emails(rt, shop_id)["parcel_received"].body.split("\n\n")[1] == (
        f"Il a été livré le {weekdays[day.weekday()]} {day.day} {months[day.month - 1]}.")


def test_the_settings_preview_is_in_the_shops_language():
    french = preview(_shop(language="fr"))
    assert french["received"].subject == "Nous avons bien reçu votre demande concernant la commande #1001"
    assert "Imprimez l'étiquette de retour prépayée ci-dessous" in french["approved"].body
    assert preview(_shop())["received"].subject == "We received your request about order #1001"
