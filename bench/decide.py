"""Decisions per second per preset (10,000 cases), and the CLI's cost per case on a batch of 1,000.

Baseline, measured in the same run: json.dumps of each case (the cheapest thing one can do with a
case), so the ratio says how many such round trips one decision costs on this machine.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.cases import make_cases
from integration.contract.case_schema import load_case
from integration.contract.decision import decision_json
from integration.policy.engine import decide
from integration.policy.loader import load_policy_file, preset_names


def _best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_engine(count: int = 10_000) -> list[dict]:
    """Per preset: decisions/s of decide() on validated cases, and with JSON output."""
    raw = make_cases(count)
    cases = [load_case(c) for c in raw]
    baseline = _best_of(3, lambda: [json.dumps(c) for c in raw])
    rows = []
    for name in preset_names():
        policy = load_policy_file(name)
        engine = _best_of(3, lambda: [decide(policy, c) for c in cases])
        full = _best_of(3, lambda: [decision_json(decide(policy, c)) for c in cases])
        rows.append({"preset": name, "cases": count, "decisions_per_s": round(count / engine),
                     "with_json_per_s": round(count / full), "ratio_to_baseline": round(engine / baseline, 2)})
    return rows


def bench_cli(count: int = 1_000) -> dict:
    """Wall time of `returnkit decide` on 1 and on `count` cases; the difference is the cost per case."""
    with tempfile.TemporaryDirectory() as tmp:
        one, many = Path(tmp, "one.jsonl"), Path(tmp, "many.jsonl")
        cases = make_cases(count, seed=11)
        one.write_text(json.dumps(cases[0]) + "\n")
        many.write_text("".join(json.dumps(c) + "\n" for c in cases))
        cmd = [sys.executable, "-m", "integration.cli", "decide", "--policy", "kaolate"]
        run = lambda path: subprocess.run(cmd + [str(path)], check=True, capture_output=True)
        t_one, t_many = _best_of(3, lambda: run(one)), _best_of(3, lambda: run(many))
        t_python = _best_of(3, lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))
    per_case_ms = (t_many - t_one) / (count - 1) * 1000
    return {"cases": count, "startup_ms": round(t_one * 1000, 1), "batch_ms": round(t_many * 1000, 1),
            "per_case_ms": round(per_case_ms, 3), "python_startup_ms": round(t_python * 1000, 1),
            "startup_ratio_to_python": round(t_one / t_python, 1)}
