"""Compiled once per process: each app (a gunicorn worker's one, or the one each test builds) shares the compiled
templates and URL builders of the apps before it, instead of compiling the same ~50 templates and ~80 rules again."""
from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.routing import Rule


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
_BUILDERS: dict[tuple, object] = {}


class OnceCompiledRule(Rule):
    """A URL rule whose two URL-building functions are compiled once per process (werkzeug generates and compiles
    Python code for each rule of each app: 95 % of building an app). The function takes the rule as its argument, so
    it depends only on the rule's parsed parts and defaults; if werkzeug stops calling _compile_builder, rules are
    simply compiled as before (tests/web/test_compile_once.py notices)."""

    def _compile_builder(self, append_unknown: bool = True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        if (builder := _BUILDERS.get(key)) is None:
            builder = _BUILDERS[key] = super()._compile_builder(append_unknown)
        return builder
