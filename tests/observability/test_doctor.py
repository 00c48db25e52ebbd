"""`returnkit doctor`: every check passes on a good deployment, and each failure says what to fix."""
import io
import os

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from integration.db.engine import make_engine, transaction
from integration.db.models import Shop
from integration.cli.doctor import doctor, run_checks
from tests.conftest import TEST_KEY

TOKEN, CK, CS = "shpat_doctor0000000000000000", "ck_doctor000000000000", "cs_doctor000000000000"


@pytest.fixture()
def env(rt, database_url, tmp_path):
    return {"DATABASE_URL": database_url, "RETURNKIT_DATA_DIR": str(tmp_path / "data"), "RETURNKIT_SECRET_KEY": TEST_KEY,
            "RETURNKIT_PUBLIC_URL": "https://returnkit.example.com", "RETURNKIT_SHOPIFY_API_KEY": "client-id",
            "RETURNKIT_SHOPIFY_API_SECRET": "client-secret"}


@pytest.fixture()
def credentialed(rt, shops):
    with transaction(rt.sessions) as session:
        session.get(Shop, shops["shopify"].id).api_token = TOKEN
        woo = session.get(Shop, shops["woocommerce"].id)
        woo.consumer_key, woo.consumer_secret = CK, CS
    return shops


def lines(env) -> dict[str, tuple[str, str]]:
    return {c.name: (c.level, c.message) for c in run_checks(env)}


def test_a_good_deployment_passes_every_check_and_prints_no_secret(env, credentialed):
    out = io.StringIO()
    assert doctor(env, out) == 0
    printed = out.getvalue()
    assert all(line.split()[0] in ("ok", "warn") for line in printed.splitlines()), printed
    for name in ("secret key", "database", "stored secrets", "queue", "public url", "shopify app", "data dir",
                 "http timeout", f"shop {credentialed['shopify'].id}", f"shop {credentialed['woocommerce'].id}"):
        assert f" {name}: " in printed
    for secret in (TOKEN, CK, CS, TEST_KEY, "client-secret"):
        assert secret not in printed


def test_a_missing_secret_key_fails_outside_the_embedded_defaults(env, credentialed):
    env = {**env, "RETURNKIT_SECRET_KEY": "", "REDIS_URL": "redis://127.0.0.1:1/0"}
    level, message = lines(env)["secret key"]
    assert level == "fail" and "RETURNKIT_SECRET_KEY is not set" in message and "generate_key" in message


def test_a_key_that_is_not_fernet_fails_and_names_which(env, credentialed):
    level, message = lines({**env, "RETURNKIT_SECRET_KEY": f"{TEST_KEY},not-a-key"})["secret key"]
    assert (level, "key #2 is not a valid Fernet key" in message) == ("fail", True)


def test_a_key_that_does_not_open_the_stored_secrets_fails(env, credentialed):
    level, message = lines({**env, "RETURNKIT_SECRET_KEY": Fernet.generate_key().decode()})["stored secrets"]
    assert level == "fail" and "does not decrypt the stored shop secrets" in message


def test_an_unreachable_database_fails_without_its_password(env):
    level, message = lines({**env, "DATABASE_URL": "postgresql://rk:hunter2@127.0.0.1:1/rk"})["database"]
    assert level == "fail" and message.startswith("cannot reach DATABASE_URL: OperationalError")
    assert "hunter2" not in message


def test_a_database_behind_the_code_says_to_upgrade(env, database_url, rt):
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0006'"))
    engine.dispose()
    level, message = lines(env)["database"]
    assert level == "fail" and "schema at revision 0006, the code needs" in message and "returnkit db upgrade" in message


def test_an_unreachable_redis_fails(env):
    level, message = lines({**env, "REDIS_URL": "redis://:hunter3@127.0.0.1:1/0"})["queue"]
    assert level == "fail" and message.startswith("cannot reach REDIS_URL") and "hunter3" not in message


@pytest.mark.parametrize("url, expected", [("", "is not set"), ("http://returnkit.example.com", "is not https")])
def test_the_public_url_must_be_https_in_production(env, url, expected):
    production = {**env, "RETURNKIT_PUBLIC_URL": url, "REDIS_URL": "redis://127.0.0.1:6379/13"}
    level, message = lines(production)["public url"]
    assert level == "fail" and expected in message


def test_shopify_shops_need_the_app_credentials(env, credentialed):
    level, message = lines({**env, "RETURNKIT_SHOPIFY_API_SECRET": ""})["shopify app"]
    assert level == "fail" and "RETURNKIT_SHOPIFY_API_SECRET not set, with 1 Shopify shop(s)" in message


def test_each_shop_without_its_credentials_fails_by_name(env, shops):
    checks = lines(env)
    shopify, woo = checks[f"shop {shops['shopify'].id}"], checks[f"shop {shops['woocommerce'].id}"]
    assert shopify[0] == "fail" and "no api_token stored" in shopify[1] and "/auth?shop=" in shopify[1]
    assert woo[0] == "fail" and "no consumer_key or consumer_secret stored" in woo[1] and "/woocommerce/connect" in woo[1]


def test_an_unwritable_data_dir_fails_on_the_embedded_defaults(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    level, message = lines({"RETURNKIT_DATA_DIR": str(blocker / "data")})["data dir"]
    assert level == "fail" and "is not writable" in message and "RETURNKIT_DATA_DIR" in message


@pytest.mark.parametrize("timeout, level", [("0", "fail"), ("120", "warn"), ("abc", None)])
def test_an_odd_http_timeout_is_reported(env, timeout, level):
    checks = lines({**env, "RETURNKIT_HTTP_TIMEOUT": timeout})
    if level is None:
        assert checks["settings"][0] == "fail" and "fix the variable" in checks["settings"][1]
    else:
        assert checks["http timeout"][0] == level


def test_the_cli_exits_1_on_a_failure(monkeypatch, tmp_path, capsys):
    from integration.cli import main
    monkeypatch.setenv("RETURNKIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://rk@127.0.0.1:1/rk")
    monkeypatch.setenv("RETURNKIT_SECRET_KEY", TEST_KEY)
    assert main(["doctor"]) == 1
    assert "fail database: cannot reach DATABASE_URL" in capsys.readouterr().out


@pytest.mark.proving
@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_a_live_redis_passes(env):
    assert lines({**env, "REDIS_URL": os.environ["TEST_REDIS_URL"]})["queue"] == ("ok", "REDIS_URL answers PING")


def test_an_invalid_key_skips_the_stored_secrets_check_instead_of_crashing(env, credentialed):
    assert lines({**env, "RETURNKIT_SECRET_KEY": "not-a-key"})["stored secrets"][0] == "warn"
