"""Every `GET /auth?shop=...` and WooCommerce connect leaves a pending install; once expired they are purged by a
periodic task, so a flood of them stays bounded (issue 16, item 8)."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import PendingInstall
from integration.jobs.queue import build_queue
from integration.settings import load_settings
from integration.shops.housekeeping import purge_expired
from tests.web.test_install_shopify import emulator, irt, web  # noqa: F401  (fixtures)


def _pending(rt) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count()).select_from(PendingInstall))


def test_a_flood_of_install_starts_is_purged_once_their_state_expires(web, irt):
    for n in range(50):   # from 50 addresses: one address is held to its rate limit (tests/web/test_install_limits.py)
        start = web.get(f"/auth?shop=flood-{n}.myshopify.com", environ_base={"REMOTE_ADDR": f"10.0.{n}.1"})
        assert start.status_code == 302
    assert _pending(irt) == 50
    with transaction(irt.sessions) as session:
        assert purge_expired(session, utcnow())["pending_installs"] == 0   # none expired yet: a callback may come
    later = utcnow() + timedelta(seconds=irt.settings.shopify_state_ttl)
    with transaction(irt.sessions) as session:
        assert purge_expired(session, later)["pending_installs"] == 50
    assert _pending(irt) == 0


def test_an_unexpired_install_survives_the_purge_and_still_completes(web, irt, emulator):
    from tests.web.test_install_shopify import callback, start
    query = start(web)
    with transaction(irt.sessions) as session:
        session.add(PendingInstall(platform="woocommerce", domain="https://old.example.com", nonce="stale-nonce",
                                   expires_at=utcnow() - timedelta(minutes=1)))
    with transaction(irt.sessions) as session:
        assert purge_expired(session, utcnow()) == {"pending_installs": 1, "spent_signins": 0}
    assert callback(web, query).status_code == 302


def test_the_purge_is_a_periodic_task_every_ten_minutes(tmp_path):
    queue = build_queue(load_settings({"RETURNKIT_DATA_DIR": str(tmp_path)}))
    assert "purge_expired_rows" in {t.name for t in queue.huey._registry.periodic_tasks}
    task = queue.tasks["purge_expired_rows"].task_class()
    assert task.validate_datetime(datetime(2026, 5, 1, 10, 20))
    assert not task.validate_datetime(datetime(2026, 5, 1, 10, 25))
