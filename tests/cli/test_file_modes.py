"""The embedded database holds evidence photos and raw webhook bodies: it and its WAL are created 0600, as the key
beside them is, whatever the umask (issue 16, item 9); an older 0644 database is made 0600 when it is opened."""
import os
import stat
import subprocess
import sys

from sqlalchemy import text

from integration.db.engine import make_engine


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _write(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:   # WAL mode: the write leaves -wal and -shm beside the database
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (x)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    engine.dispose()


def test_a_new_database_and_its_wal_are_private_under_a_permissive_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "returnkit.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
            modes = {name: _mode(tmp_path / name) for name in os.listdir(tmp_path)}
        engine.dispose()
    finally:
        os.umask(old)
    assert modes == {"returnkit.sqlite3": 0o600, "returnkit.sqlite3-wal": 0o600, "returnkit.sqlite3-shm": 0o600}


def test_an_older_world_readable_database_and_wal_are_made_private_when_opened(tmp_path):
    path = tmp_path / "returnkit.sqlite3"
    _write(f"sqlite:///{path}")
    for name in ("returnkit.sqlite3", "returnkit.sqlite3-wal"):
        if (tmp_path / name).exists():
            os.chmod(tmp_path / name, 0o644)
    engine = make_engine(f"sqlite:///{path}")
    assert _mode(path) == 0o600
    assert all(_mode(tmp_path / n) == 0o600 for n in os.listdir(tmp_path))
    engine.dispose()


def test_the_release_step_leaves_the_database_and_key_private(tmp_path):
    env = {**os.environ, "RETURNKIT_DATA_DIR": str(tmp_path / "data")}
    for name in ("DATABASE_URL", "REDIS_URL", "RETURNKIT_SECRET_KEY"):
        env.pop(name, None)
    out = subprocess.run([sys.executable, "-m", "integration.cli", "db", "upgrade"], env=env, capture_output=True,
                         text=True, timeout=120, preexec_fn=lambda: os.umask(0o022))
    assert out.returncode == 0, out.stderr[-2000:]
    files = {p.name: _mode(p) for p in (tmp_path / "data").iterdir() if p.is_file()}
    assert files.get("returnkit.sqlite3") == 0o600, files
    assert {name: mode for name, mode in files.items() if name.startswith("returnkit.sqlite3")} == \
        {name: 0o600 for name in files if name.startswith("returnkit.sqlite3")}
