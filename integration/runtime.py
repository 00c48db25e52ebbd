"""One Runtime per process: settings, database engine and sessions, the secret key ring.

The process entry points read the environment here (`process_settings`, `runtime`); everything below them is
handed the runtime, or its settings, by its caller.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, configure_mappers, sessionmaker

from integration.db.base import configure_secrets
from integration.db.engine import make_engine, session_factory
from integration.secrets import SecretBox, embedded_key
from integration.settings import Settings, load_settings

SETTINGS_INFO = "returnkit.settings"   # the session.info key of the settings a session's runtime was built with


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


def build_runtime(settings: Settings) -> Runtime:
    """Wire a runtime from settings (tests build their own)."""
    keys = settings.secret_keys
    if not keys:
        if not settings.embedded:
            raise RuntimeError("RETURNKIT_SECRET_KEY is required with DATABASE_URL or REDIS_URL set: "
                               "generate one with `python -c 'from cryptography.fernet import Fernet; "
                               "print(Fernet.generate_key().decode())'`")
        keys = (embedded_key(settings.data_dir),)
    configure_secrets(SecretBox(keys))
    # Every table's class, and their relationships resolved, before any thread queries: a periodic
    # task's first query must not configure the mappers while another thread is half-way through
    # importing the request models (the worker starts several tasks at once).
    import integration.db.order_models  # noqa: F401
    import integration.db.request_models  # noqa: F401
    import integration.db.evidence_models  # noqa: F401
    import integration.db.signin_models  # noqa: F401
    import integration.db.notify_models  # noqa: F401
    configure_mappers()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    sessions.configure(info={SETTINGS_INFO: settings})   # each session copies it, so session.info stays its own
    return Runtime(settings, engine, sessions)


def settings_of(session: Session) -> Settings:
    """The settings of the runtime whose sessions made this session."""
    return session.info[SETTINGS_INFO]


def process_settings() -> Settings:
    """The settings this process's environment gives now (a process entry point's default)."""
    return load_settings()


@cache
def runtime() -> Runtime:
    """This process's runtime, built from the environment on first use."""
    return build_runtime(process_settings())
