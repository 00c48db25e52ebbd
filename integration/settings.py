"""Runtime settings: config/defaults.toml, overridden by the environment. Secrets come only from the environment."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = tomllib.loads((ROOT / "config" / "defaults.toml").read_text())


@dataclass(frozen=True)
class EvidenceLimits:
    """How large evidence uploads may be: per photo, per video, per upload, and how many files per upload."""
    photo_max_bytes: int
    video_max_bytes: int
    request_max_bytes: int
    max_files: int

    def max_bytes(self, kind: str) -> int:
        """The largest one file of this kind (photo | video) may be."""
        return self.photo_max_bytes if kind == "photo" else self.video_max_bytes


def _evidence_limits(env) -> EvidenceLimits:
    defaults = DEFAULTS["evidence"]
    return EvidenceLimits(**{name: int(env.get(f"RETURNKIT_EVIDENCE_{name.upper()}", defaults[name]))
                             for name in ("photo_max_bytes", "video_max_bytes", "request_max_bytes", "max_files")})


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
    shopify_api_key: str = ""        # the app's client id (Partner dashboard → Client credentials)
    shopify_api_secret: str = ""     # its client secret: signs OAuth, session tokens and webhooks
    shopify_admin_url: str = ""      # tests/dev: one host (an emulator) for every shop's admin; "" = https://{shop}
    shopify_state_ttl: int = 600     # seconds an install's state nonce stays valid
    evidence: EvidenceLimits = field(default_factory=lambda: _evidence_limits({}))
    allow_private_store_urls: bool = False   # development only: store URLs on localhost / private networks
    reconcile_minutes: int = 5               # how often each shop's orders and webhooks are swept
    queue_name: str = "returnkit"    # the Huey queue's name: its keys in Redis, its rows in the queue file
    trusted_proxies: int = 0         # how many proxies in front set X-Forwarded-*; 0 trusts none
    action_lease_seconds: float = 120.0    # a running action's lease: longer than any platform call can take
    action_backoff_seconds: float = 15.0   # the first retry's wait, doubled each attempt (capped at an hour)
    drain_max_actions: int = 100     # one drain's share of a worker thread: a shop waiting behind busy ones
    drain_max_seconds: float = 1.0   # waits about this long
    # Emails to customers (integration/notify): with no SMTP host, each message goes to the local outbox only.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_security: str = "starttls"   # starttls | ssl | none
    smtp_from: str = "returnkit <returns@localhost>"
    message_max_attempts: int = 8           # an email or outbound webhook is dead after this many tries
    message_backoff_seconds: float = 30.0   # the first retry's wait, doubled each attempt (capped at an hour)

    @property
    def embedded(self) -> bool:
        """True on the embedded defaults (SQLite, no Redis)."""
        return self.database_url.startswith("sqlite") and not self.redis_url


def _minutes(value) -> int:
    """RETURNKIT_RECONCILE_MINUTES: a whole number of minutes from 1 to 60."""
    try:
        minutes = int(value)
    except ValueError:
        raise ValueError(f"RETURNKIT_RECONCILE_MINUTES: {value!r} is not a whole number of minutes (use 1 to 60)") from None
    if not 1 <= minutes <= 60:
        raise ValueError(f"RETURNKIT_RECONCILE_MINUTES: {minutes} is out of range (use 1 to 60)")
    return minutes


def _smtp(env) -> dict:
    """RETURNKIT_SMTP_*: the mail server customer emails go through (none: the local outbox only)."""
    security = env.get("RETURNKIT_SMTP_SECURITY") or "starttls"
    if security not in ("starttls", "ssl", "none"):
        raise ValueError(f"RETURNKIT_SMTP_SECURITY: {security!r} is not one of starttls, ssl, none")
    return {"smtp_host": env.get("RETURNKIT_SMTP_HOST", ""), "smtp_port": int(env.get("RETURNKIT_SMTP_PORT") or 587),
            "smtp_username": env.get("RETURNKIT_SMTP_USERNAME", ""),
            "smtp_password": env.get("RETURNKIT_SMTP_PASSWORD", ""), "smtp_security": security,
            "smtp_from": env.get("RETURNKIT_SMTP_FROM") or "returnkit <returns@localhost>"}


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
        shopify_api_key=env.get("RETURNKIT_SHOPIFY_API_KEY", DEFAULTS["shopify"]["api_key"]),
        shopify_api_secret=env.get("RETURNKIT_SHOPIFY_API_SECRET", ""),
        shopify_admin_url=env.get("RETURNKIT_SHOPIFY_ADMIN_URL", DEFAULTS["shopify"]["admin_url"]).rstrip("/"),
        shopify_state_ttl=int(env.get("RETURNKIT_SHOPIFY_STATE_TTL", DEFAULTS["shopify"]["state_ttl_seconds"])),
        evidence=_evidence_limits(env),
        allow_private_store_urls=env.get("RETURNKIT_ALLOW_PRIVATE_STORE_URLS") == "1",
        reconcile_minutes=_minutes(env.get("RETURNKIT_RECONCILE_MINUTES", DEFAULTS["reconcile"]["minutes"])),
        queue_name=env.get("RETURNKIT_QUEUE_NAME") or "returnkit",
        trusted_proxies=int(env.get("RETURNKIT_TRUSTED_PROXIES") or 0),
        action_lease_seconds=float(env.get("RETURNKIT_ACTION_LEASE_SECONDS") or 120),
        action_backoff_seconds=float(env.get("RETURNKIT_ACTION_BACKOFF_SECONDS") or 15),
        drain_max_actions=int(env.get("RETURNKIT_DRAIN_MAX_ACTIONS") or 100),
        drain_max_seconds=float(env.get("RETURNKIT_DRAIN_MAX_SECONDS") or 1),
        **_smtp(env),
        message_max_attempts=int(env.get("RETURNKIT_MESSAGE_MAX_ATTEMPTS") or 8),
        message_backoff_seconds=float(env.get("RETURNKIT_MESSAGE_BACKOFF_SECONDS") or 30),
    )
