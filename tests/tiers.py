"""How big a scaled test runs: a fifth of its size in the quick tier (`make test`), in full in the proving tier
(`make proving`). A test marked `scaled` runs in both tiers, so CI (which runs both) still runs it at full size.

    pytestmark = pytest.mark.scaled
    @settings(max_examples=examples(300), deadline=None)
"""
from __future__ import annotations

QUICK_SHARE = 0.2
_tier = {"name": "quick"}


def set_tier(name: str) -> None:
    """Called once by pytest_configure, before any test module is imported."""
    _tier["name"] = name


def scaled(full: int, least: int = 10) -> int:
    """`full` in the proving tier (and with --tier all); a fifth of it, at least `least`, in the quick tier."""
    return full if _tier["name"] != "quick" else max(least, round(full * QUICK_SHARE))


def examples(full: int) -> int:
    """Hypothesis examples for a property: `full` when proving, a fifth (at least 10) in the quick tier."""
    return scaled(full, least=10)
