"""The Return labels page's "assume delivered N days after shipping" setting (off by default), and the CLI's option."""
from __future__ import annotations

import argparse

from integration.cli import shop_commands as cli_shops
from integration.cli import shops as shops_parser
from integration.db.models import Shop
from tests.web_helpers import csrf_from, sign_in

FIELD = "assume_delivered_after_days"


def _save(client, **form):
    page = client.get("/app/returns/")
    return client.post("/app/returns/", data={"csrf_token": csrf_from(page.data), **form})


def _days(rt, shop_id):
    with rt.sessions() as session:
        return (session.get(Shop, shop_id).settings or {}).get(FIELD)


def test_the_page_turns_the_assumption_on_and_off_and_shows_it(web_app, rt, shops):
    client, shop_id = web_app.test_client(), shops["woocommerce"].id
    sign_in(client, shop_id)
    first = client.get("/app/returns/").get_data(as_text=True)
    assert f'name="{FIELD}"' in first and 'value=""' in first.split(f'id="{FIELD}"')[1].split(">")[0]
    assert _save(client, **{FIELD: "14"}).status_code == 303 and _days(rt, shop_id) == 14
    shown = client.get("/app/returns/").get_data(as_text=True)
    assert 'value="14"' in shown.split(f'id="{FIELD}"')[1].split(">")[0]
    assert _save(client).status_code == 303 and _days(rt, shop_id) == 14       # a form without it keeps it
    assert _save(client, **{FIELD: ""}).status_code == 303 and _days(rt, shop_id) is None


def test_a_bad_number_of_days_is_refused_naming_the_field_and_kept_in_the_form(web_app, rt, shops):
    client, shop_id = web_app.test_client(), shops["woocommerce"].id
    sign_in(client, shop_id)
    refused = _save(client, **{FIELD: "90"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and f"{FIELD}: &#39;90&#39; is not a number of days from 1 to 60" in body
    assert 'value="90"' in body.split(f'id="{FIELD}"')[1].split(">")[0] and _days(rt, shop_id) is None


def test_the_cli_sets_the_assumption(rt, shops, monkeypatch, capsys):
    monkeypatch.setattr(cli_shops, "runtime", lambda: rt)
    domain = shops["woocommerce"].domain
    args = dict(domain=domain, address=None, parcel=None, easypost_api_key=None, easypost_webhook_secret=None)
    assert cli_shops.cmd_shops_set_returns(argparse.Namespace(**args, assume_delivered_after_days="10")) == 0
    assert _days(rt, shops["woocommerce"].id) == 10 and "assumed delivered 10 days after shipping" in capsys.readouterr().out
    assert cli_shops.cmd_shops_set_returns(argparse.Namespace(**args, assume_delivered_after_days="0")) == 0
    assert _days(rt, shops["woocommerce"].id) is None and "no assumed delivery" in capsys.readouterr().out
    parsed = _parser().parse_args(["shops", "set-returns", domain, "--assume-delivered-after-days", "7"])
    assert parsed.assume_delivered_after_days == "7" and parsed.run(parsed) == 0 and _days(rt, shops["woocommerce"].id) == 7


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    shops_parser.register(parser.add_subparsers(dest="command"))
    return parser
