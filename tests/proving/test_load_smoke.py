"""The load suite at CI size: a steady rate and one burst at gunicorn; no errors and nothing lost.

The full run is `python -m bench.load_suite` (docs/reliability.md, "## Load")."""
import pytest

from bench.load_suite import main

pytestmark = pytest.mark.proving   # process kills / long runs: `make proving`


def test_steady_load_and_a_burst_lose_nothing():
    report = main("embedded", rate=40, seconds=3, burst_size=120, bursts=1, workers=2)
    assert report["steady"]["errors"] == 0 and report["bursts"][0]["errors"] == 0, report
    assert report["accepted"] == 120 + 120 and report["lost"] == 0, report
    assert report["steady"]["p99_ms"] is not None
