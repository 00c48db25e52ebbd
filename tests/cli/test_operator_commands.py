"""The operator's commands as a new user runs them: on a fresh data folder every command migrates first, orders are
found by the number the merchant sees, and `decide` starts without the database layer."""
import json
import os
import subprocess
import sys

import pytest

from tests.request_helpers import shopify_story


def run(env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "integration.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def fresh_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETURNKIT_", "DATABASE_URL", "REDIS_URL"))}
    return {**env, "RETURNKIT_DATA_DIR": str(tmp_path / "data")}


@pytest.mark.proving   # a dozen CLI processes: the proving tier
def test_every_shop_command_works_on_a_fresh_database(tmp_path):
    env = fresh_env(tmp_path)
    listed = run(env, "shops", "list")
    assert listed.returncode == 0 and listed.stdout == "" and "Traceback" not in listed.stderr, listed.stderr
    added = run(env, "shops", "add", "--platform", "shopify", "--domain", "fresh.myshopify.com",
                "--webhook-secret", "s3cret", "--policy", "kaolate")
    assert added.returncode == 0 and added.stdout.strip().isdigit(), added.stderr
    assert "fresh.myshopify.com" in run(env, "shops", "list").stdout
    missing = run(env, "orders", "show", "--shop", "fresh.myshopify.com", "#1001")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "has no order '#1001' (give the order's number, e.g. #1001, or the platform's order id)" in missing.stderr


def test_orders_show_finds_an_order_by_its_number_with_or_without_the_hash(client, rt, shops, queue, monkeypatch,
                                                                          capsys):
    from integration.cli import shop_commands

    monkeypatch.setattr(shop_commands, "runtime", lambda: rt)
    shop = shops["shopify"]
    shopify_story(client, rt, queue)   # order 5550001, which the merchant knows as #1001
    for given in ("#1001", "1001", "5550001"):
        args = type("Args", (), {"shop": shop.domain, "order_id": given, "json": True})()
        assert shop_commands.cmd_orders_show(args) == 0
        assert json.loads(capsys.readouterr().out)["id"] == "5550001"


def test_decide_imports_no_database_layer():
    code = ("import sys, integration.cli\n"
            "heavy = [m for m in ('sqlalchemy', 'alembic', 'flask', 'huey', 'requests') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_demo_post_says_what_is_wrong_in_one_line(tmp_path):
    env = {**fresh_env(tmp_path), "PORT": "9"}   # the discard port: nothing serves returnkit there
    unknown = run(env, "demo", "post", "no_such_fixture")
    assert unknown.returncode == 2 and unknown.stderr.startswith("demo post: no fixture 'no_such_fixture'; use one of:")
    assert "orders_create" in unknown.stderr and "Traceback" not in unknown.stderr
    down = run(env, "demo", "post", "orders_create")
    assert down.returncode == 2 and "Traceback" not in down.stderr
    assert "nothing answers at http://127.0.0.1:9/webhooks/shopify" in down.stderr and "Set PORT" in down.stderr


def test_serve_refuses_to_start_with_a_key_that_cannot_open_the_stored_secrets(tmp_path):
    from cryptography.fernet import Fernet

    env = fresh_env(tmp_path)
    stored = {**env, "RETURNKIT_SECRET_KEY": Fernet.generate_key().decode()}
    assert run(stored, "shops", "add", "--platform", "shopify", "--domain", "keyed.myshopify.com",
               "--webhook-secret", "s3cret", "--policy", "kaolate").returncode == 0
    other = {**env, "RETURNKIT_SECRET_KEY": Fernet.generate_key().decode(), "PORT": "9"}
    refused = run(other, "serve")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
    assert "RETURNKIT_SECRET_KEY cannot decrypt the shop secrets stored in the database" in refused.stderr


def test_demo_fixtures_are_posted_dated_relative_to_today():
    from datetime import date

    from integration.cli.demo import FIXTURES, dated_today

    body = (FIXTURES / "orders_create.json").read_bytes()
    moved = json.loads(dated_today(body, date(2026, 12, 6)))   # 208 days after the fixtures' own 2026-05-12
    original = json.loads(body)
    assert original["created_at"].startswith("2026-05-01T") and moved["created_at"].startswith("2026-11-25T")
    assert moved["created_at"][10:] == original["created_at"][10:]   # time of day and offset kept
    assert dated_today(body, date(2026, 5, 12)) == body
