"""Sign-in links and sessions (issue 16, item 7): a link signs in once, sign-out is server-side (a copied cookie
stops working), and a session from before sessions had ids is signed out."""
from datetime import timedelta

from integration.db.base import session_signing_key
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.signin_models import SpentSignin
from integration.shops.housekeeping import purge_expired
from integration.web.auth import LOGIN_LINK_MAX_AGE, SESSION_LIFETIME, login_token
from tests.web_helpers import csrf_from, sign_in
from tests.web.test_sessions import client  # noqa: F401  (fixture)

COOKIE = "returnkit_session"


def test_a_sign_in_link_works_once(client, shops):
    link = f"/app/login/{login_token(session_signing_key(), shops['shopify'].id)}"
    assert client.get(link).status_code == 302
    client.delete_cookie(COOKIE)
    again = client.get(link)
    assert again.status_code == 401 and b"used already" in again.data and b"returnkit shops login-link" in again.data
    assert client.get("/app/").status_code == 302   # not signed in by the second use


def test_two_links_made_in_the_same_second_are_two_links(client, shops):
    first, second = (login_token(session_signing_key(), shops["shopify"].id) for _ in range(2))
    assert first != second
    assert client.get(f"/app/login/{first}").status_code == 302
    assert client.get(f"/app/login/{second}").status_code == 302


def test_a_cookie_copied_before_sign_out_no_longer_works(client, rt, shops):
    from integration.app import create_app
    sign_in(client, shops["shopify"].id)
    copied = client.get_cookie(COOKIE).value
    token = csrf_from(client.get("/app/").data)
    assert client.post("/app/logout", data={"csrf_token": token}).status_code == 302
    thief = create_app({"TESTING": True}, rt=rt, enqueue=lambda _id: None).test_client()
    thief.set_cookie(COOKIE, copied)
    page = thief.get("/app/")
    assert page.status_code == 302 and page.headers["Location"].endswith("/app/signed-out")
    thief.set_cookie(COOKIE, copied)   # a form posted with the copy, its CSRF token and all, is refused too
    posted = thief.post("/app/embedding/", data={"csrf_token": token, "storefront_origin": "https://evil.example"})
    assert posted.status_code == 302 and posted.headers["Location"].endswith("/app/signed-out")
    with rt.sessions() as session:
        assert "customer_page_frame_origin" not in session.get(Shop, shops["shopify"].id).settings


def test_signing_out_leaves_another_browser_of_the_shop_signed_in(client, rt, shops):
    from integration.app import create_app
    other = create_app({"TESTING": True}, rt=rt, enqueue=lambda _id: None).test_client()
    sign_in(client, shops["shopify"].id)
    sign_in(other, shops["shopify"].id)
    client.post("/app/logout", data={"csrf_token": csrf_from(client.get("/app/").data)})
    assert client.get("/app/").status_code == 302 and other.get("/app/").status_code == 200


def test_a_session_without_an_id_is_signed_out(client, shops):
    sign_in(client, shops["shopify"].id)
    with client.session_transaction() as session:
        del session["sid"]   # a cookie made before sign-out was server-side
    assert client.get("/app/").status_code == 302


def test_spent_sign_ins_are_kept_until_what_they_stop_has_expired_then_purged(client, rt, shops):
    sign_in(client, shops["shopify"].id)
    client.post("/app/logout", data={"csrf_token": csrf_from(client.get("/app/").data)})
    with rt.sessions() as session:
        rows = {row.id.split(":")[0]: row.expires_at - row.created_at for row in session.query(SpentSignin)}
    assert set(rows) == {"link", "session"}
    assert rows["link"] <= timedelta(seconds=LOGIN_LINK_MAX_AGE)
    assert rows["session"] >= SESSION_LIFETIME - timedelta(seconds=1)
    with transaction(rt.sessions) as session:
        latest = max(row.expires_at for row in session.query(SpentSignin))
        assert purge_expired(session, latest)["spent_signins"] == 2
