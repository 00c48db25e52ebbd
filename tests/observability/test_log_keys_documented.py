"""Every log event key the code writes is in docs/observability.md's table, found by reading the source (the flow
tests in test_logs.py only see the keys their flows reach)."""
import re
from pathlib import Path

from tests.observability.test_logs import DOCUMENTED

ROOT = Path(__file__).resolve().parents[2]
# log.info("tracking.delivered: ..."), and f-strings or %-formatting whose key is literal up to its colon.
CALL = re.compile(r"""log\.(?:debug|info|warning|error|exception|critical)\(\s*f?["']([a-z][a-z0-9_]*\.[a-z0-9_.-]+):""")
SOURCES = ("integration", "adapters", "webhooks")


def keys_in_code() -> dict[str, str]:
    """Each literal event key and the first file that writes it."""
    found: dict[str, str] = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for key in CALL.findall(path.read_text()):
                found.setdefault(key, str(path.relative_to(ROOT)))
    return found


def test_the_scan_sees_the_keys_it_should():
    keys = keys_in_code()
    assert {"webhook.rejected-signature", "notify.announced", "tracking.refund-released"} <= keys.keys()


def test_every_key_the_code_logs_is_documented():
    missing = {key: where for key, where in keys_in_code().items() if key not in DOCUMENTED}
    assert not missing, f"log keys missing from docs/observability.md's table: {missing}"
