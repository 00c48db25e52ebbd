"""At start: can this deployment's key open the secrets already stored? If not, say so once, not as a 500 on every
webhook (a key generated in another data folder, or RETURNKIT_SECRET_KEY changed without keeping the old one)."""
from __future__ import annotations

from sqlalchemy import select

from integration.db.models import Shop


class KeyMismatch(RuntimeError):
    """The key cannot decrypt the stored secrets; the message says where the key came from and what to do."""


def check_stored_secrets(rt) -> None:
    """Decrypt one stored shop secret; raise KeyMismatch naming the key's source when it cannot be opened."""
    with rt.sessions() as session:
        try:
            session.scalar(select(Shop.webhook_secret).order_by(Shop.id).limit(1))
        except ValueError:
            source = ("RETURNKIT_SECRET_KEY" if rt.settings.secret_keys
                      else f"the key generated in {rt.settings.data_dir / 'secret.key'}")
            raise KeyMismatch(
                f"returnkit: {source} cannot decrypt the shop secrets stored in the database "
                f"({rt.settings.database_url.split('@')[-1]}). Use the key they were stored with: keep the same "
                "RETURNKIT_DATA_DIR (the embedded database and its key live there together), or list the old key after "
                "the new one in RETURNKIT_SECRET_KEY (comma-separated, newest first).") from None
