"""Runtime settings: config/defaults.toml, overridden by the environment. Secrets come only from the environment."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = tomllib.loads((ROOT / "config" / "defaults.toml").read_text())


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    secret_keys: tuple[str, ...]
    webhook_max_body_bytes: int
    http_timeout: float
    port: int
    easypost_api_base: str
    public_url: str
    allow_private_store_urls: bool = False   # development only: store URLs on localhost / private networks

    @property
    def embedded(self) -> bool:
        """True on the embedded defaults (SQLite, no Redis)."""
        return self.database_url.startswith("sqlite") and not self.redis_url


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Settings from the environment (or `env`), falling back to config/defaults.toml."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("RETURNKIT_DATA_DIR", DEFAULTS["service"]["data_dir"])).resolve()
    keys = tuple(k.strip() for k in env.get("RETURNKIT_SECRET_KEY", "").split(",") if k.strip())
    return Settings(
        data_dir=data_dir,
        database_url=env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'returnkit.sqlite3'}",
        redis_url=env.get("REDIS_URL") or None,
        secret_keys=keys,
        webhook_max_body_bytes=int(env.get("RETURNKIT_WEBHOOK_MAX_BODY_BYTES",
                                           DEFAULTS["webhooks"]["max_body_bytes"])),
        http_timeout=float(env.get("RETURNKIT_HTTP_TIMEOUT", DEFAULTS["outbound"]["timeout_seconds"])),
        port=int(env.get("PORT", DEFAULTS["service"]["port"])),
        easypost_api_base=env.get("RETURNKIT_EASYPOST_API_BASE", DEFAULTS["outbound"]["easypost_api_base"]),
        public_url=(env.get("RETURNKIT_PUBLIC_URL")
                    or f"http://127.0.0.1:{env.get('PORT', DEFAULTS['service']['port'])}").rstrip("/"),
        allow_private_store_urls=env.get("RETURNKIT_ALLOW_PRIVATE_STORE_URLS") == "1",
    )
