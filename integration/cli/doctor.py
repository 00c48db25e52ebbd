"""`returnkit doctor`: check a deployment's configuration and connectivity, one line per check, with the fix."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.orm import Session

from integration.db.engine import make_engine
from integration.db.migrate import alembic_config
from integration.merchant.checklist import DONE, TODO, checklist
from integration.observability.health import describe_error
from integration.secrets import SecretBox
from integration.settings import Settings, load_settings

NEW_KEY = "generate one with `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
# Per platform, the stored credentials an active shop needs, and how to get them back.
SHOP_CREDENTIALS = {
    "shopify": (("api_token",), "reinstall the app: open /auth?shop={domain}"),
    "woocommerce": (("consumer_key", "consumer_secret"), "connect the store again at /woocommerce/connect"),
}


@dataclass(frozen=True)
class Check:
    name: str
    level: str      # ok | warn | fail
    message: str

    def line(self) -> str:
        """`ok   name: message`."""
        return f"{self.level:<4} {self.name}: {self.message}"


@dataclass
class Deployment:
    """What the checks look at: the settings, the raw environment, and the database once reached."""
    settings: Settings
    env: Mapping[str, str]
    engine: object = None
    shops: list | None = None       # rows of (id, platform, domain, status, is_demo, ciphertexts...)


def check_secret_key(d: Deployment) -> Check:
    """RETURNKIT_SECRET_KEY present and made of valid Fernet keys."""
    keys = d.settings.secret_keys
    if not keys:
        if d.settings.embedded:
            return Check("secret key", "warn", "RETURNKIT_SECRET_KEY is not set: the embedded key in the data "
                         "directory is used; set the variable in production")
        return Check("secret key", "fail", f"RETURNKIT_SECRET_KEY is not set (required with DATABASE_URL or REDIS_URL): {NEW_KEY}")
    for n, key in enumerate(keys, 1):
        try:
            Fernet(key.encode())
        except ValueError:
            return Check("secret key", "fail", f"RETURNKIT_SECRET_KEY: key #{n} is not a valid Fernet key "
                         f"(32 url-safe base64-encoded bytes): {NEW_KEY}")
    return Check("secret key", "ok", f"{len(keys)} valid Fernet key(s)")


def check_database(d: Deployment) -> Check:
    """DATABASE_URL reachable and migrated to the newest revision."""
    try:
        d.engine = make_engine(d.settings.database_url)
        with d.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            head = ScriptDirectory.from_config(alembic_config()).get_current_head()
            if current == head:
                d.shops = list(conn.execute(text(
                    "SELECT id, platform, domain, status, is_demo, webhook_secret, api_token, consumer_key, "
                    "consumer_secret FROM shops ORDER BY id")))
    except Exception as exc:  # whatever the driver raises, the operator needs the reason, not a traceback
        d.engine = None
        return Check("database", "fail", f"cannot reach DATABASE_URL: {describe_error(exc)}")
    if current != head:
        return Check("database", "fail", f"schema at revision {current or 'none'}, the code needs {head}: "
                     "run `returnkit db upgrade`")
    return Check("database", "ok", f"reachable, migrated to {head}")


def check_stored_secret(d: Deployment) -> Check:
    """The key ring decrypts a stored shop secret (the key is the one the secrets were stored with)."""
    if d.shops is None:
        return Check("stored secrets", "warn", "not checked: the shops could not be read (see database)")
    if not d.shops:
        return Check("stored secrets", "ok", "no shop installed yet")
    try:
        box = SecretBox(d.settings.secret_keys or _embedded_keys(d.settings))
    except ValueError:
        return Check("stored secrets", "warn", "not checked: the secret key is invalid (see secret key)")
    unreadable = [shop.id for shop in d.shops if not _opens(box, shop.webhook_secret)]
    if unreadable:
        return Check("stored secrets", "fail", f"RETURNKIT_SECRET_KEY does not decrypt the stored shop secrets of "
                     f"{len(unreadable)} of {len(d.shops)} shop(s) (ids {', '.join(map(str, unreadable[:10]))}): put the "
                     "key they were stored with in the list (newest first) during a rotation")
    return Check("stored secrets", "ok", f"the key ring decrypts the stored secrets of all {len(d.shops)} shop(s)")


def _opens(box: SecretBox, ciphertext: str) -> bool:
    try:
        box.decrypt(ciphertext)
    except ValueError:
        return False
    return True


def _embedded_keys(settings: Settings) -> tuple[str, ...]:
    path = settings.data_dir / "secret.key"
    return (path.read_text().strip(),) if path.exists() else (Fernet.generate_key().decode(),)


def check_redis(d: Deployment) -> Check:
    """REDIS_URL reachable (PING); without it, a local SqliteHuey queue."""
    if not d.settings.redis_url:
        if not d.settings.database_url.startswith("sqlite"):
            return Check("queue", "warn", "REDIS_URL is not set: the queue is a SQLite file on this machine; "
                         "set REDIS_URL to run web and workers on several machines")
        return Check("queue", "ok", "SqliteHuey in the data directory (embedded defaults)")
    import redis
    client = redis.Redis.from_url(d.settings.redis_url, socket_timeout=3, socket_connect_timeout=3)
    try:
        client.ping()
    except Exception as exc:  # connection refused, auth, DNS: all mean the queue is unusable
        return Check("queue", "fail", f"cannot reach REDIS_URL: {describe_error(exc)}")
    finally:
        client.close()
    return Check("queue", "ok", "REDIS_URL answers PING")


def check_public_url(d: Deployment) -> Check:
    """RETURNKIT_PUBLIC_URL set, and https in production."""
    url = d.env.get("RETURNKIT_PUBLIC_URL", "")
    level = "warn" if d.settings.embedded else "fail"
    if not url:
        return Check("public url", level, "RETURNKIT_PUBLIC_URL is not set: set it to returnkit's public https "
                     "address (OAuth redirects and webhook addresses are built from it)")
    if not url.startswith("https://"):
        return Check("public url", level, f"RETURNKIT_PUBLIC_URL {url} is not https: Shopify and WooCommerce "
                     "need an https address")
    return Check("public url", "ok", url)


def check_shopify_app(d: Deployment) -> Check:
    """The Shopify app's client id and secret, when real Shopify shops are installed."""
    real = [s for s in d.shops or () if s.platform == "shopify" and not s.is_demo and s.status == "active"]
    missing = [name for name, value in (("RETURNKIT_SHOPIFY_API_KEY", d.settings.shopify_api_key),
                                        ("RETURNKIT_SHOPIFY_API_SECRET", d.settings.shopify_api_secret)) if not value]
    if real and missing:
        return Check("shopify app", "fail", f"{' and '.join(missing)} not set, with {len(real)} Shopify shop(s) "
                     "installed: copy them from the Partner dashboard (Client credentials)")
    return Check("shopify app", "ok", "credentials set" if not missing else "no Shopify shop needs them yet")


def check_shop_credentials(d: Deployment) -> list[Check]:
    """Each active shop has the stored credentials its platform needs (never printed)."""
    lines = []
    for shop in d.shops or ():
        if shop.status != "active" or shop.is_demo or shop.platform not in SHOP_CREDENTIALS:
            continue
        fields, fix = SHOP_CREDENTIALS[shop.platform]
        absent = [name for name in fields if not getattr(shop, name)]
        if absent:
            lines.append(Check(f"shop {shop.id}", "fail", f"{shop.domain}: no {' or '.join(absent)} stored: "
                               + fix.format(domain=shop.domain)))
        else:
            lines.append(Check(f"shop {shop.id}", "ok", f"{shop.domain}: credentials stored"))
    return lines


def _setup_line(shop, item) -> Check:
    level = "ok" if item.state != TODO else "fail" if item.required else "warn"
    state = "done" if item.state == DONE else "not needed" if item.state != TODO else "to do"
    fix = f" Fix: {item.fix}." if item.state == TODO and item.fix else ""
    return Check(f"shop {shop.id} {item.key}", level, f"{shop.domain}: {item.title}: {state}. {item.words}{fix}")


def check_shop_setup(d: Deployment) -> list[Check]:
    """Each active shop's setup checklist, one line per item: a required item left to do fails (no secret is read)."""
    active = [shop for shop in d.shops or () if shop.status == "active"]
    if not active:
        return []
    with Session(d.engine) as session:
        return [_setup_line(shop, item) for shop in active for item in checklist(session, shop.id, d.settings)]


def check_data_dir(d: Deployment) -> Check:
    """The data directory is writable (the embedded database, queue and key live there)."""
    if not d.settings.embedded:
        return Check("data dir", "ok", "not used (PostgreSQL and Redis)")
    try:
        d.settings.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=d.settings.data_dir):
            pass
    except OSError as exc:
        return Check("data dir", "fail", f"{d.settings.data_dir} is not writable ({exc.strerror}): "
                     "set RETURNKIT_DATA_DIR to a writable directory")
    return Check("data dir", "ok", f"{d.settings.data_dir} is writable")


def check_http_timeout(d: Deployment) -> Check:
    """RETURNKIT_HTTP_TIMEOUT between 1 and 30 seconds."""
    timeout = d.settings.http_timeout
    if timeout <= 0:
        return Check("http timeout", "fail", f"RETURNKIT_HTTP_TIMEOUT={timeout:g}: set a positive number of seconds (10)")
    if not 1 <= timeout <= 30:
        return Check("http timeout", "warn", f"RETURNKIT_HTTP_TIMEOUT={timeout:g} s: between 1 and 30 is sane "
                     "(too short fails slow platforms, too long holds workers)")
    return Check("http timeout", "ok", f"{timeout:g} s")


CHECKS: list[Callable[[Deployment], Check | list[Check]]] = [
    check_secret_key, check_database, check_stored_secret, check_redis, check_public_url, check_shopify_app,
    check_shop_credentials, check_shop_setup, check_data_dir, check_http_timeout]


def run_checks(env: Mapping[str, str] | None = None) -> list[Check]:
    """Every check, in order, on the environment (os.environ by default)."""
    env = os.environ if env is None else env
    try:
        deployment = Deployment(load_settings(env), env)
    except ValueError as exc:   # a number that is not one, e.g. RETURNKIT_HTTP_TIMEOUT=ten
        return [Check("settings", "fail", f"cannot read the settings: {exc}: fix the variable")]
    results: list[Check] = []
    try:
        for check in CHECKS:
            outcome = check(deployment)
            results.extend(outcome if isinstance(outcome, list) else [outcome])
    finally:
        if deployment.engine is not None:
            deployment.engine.dispose()
    return results


def doctor(env: Mapping[str, str] | None = None, out=None) -> int:
    """Print one line per check; 1 when any check failed, else 0."""
    results = run_checks(env)
    for result in results:
        print(result.line(), file=out)
    return 1 if any(r.level == "fail" for r in results) else 0
