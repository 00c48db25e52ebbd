"""Templates compiled once per process: each app (a gunicorn worker's one, or the one per test) shares the code."""
from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache


class SharedBytecode(BytecodeCache):
    """Compiled templates kept in memory by template and source checksum (Jinja recompiles a changed source)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give the bucket the code compiled earlier, if any."""
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the code just compiled."""
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedBytecode()
