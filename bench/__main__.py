"""Run every benchmark and print the figures as JSON (make bench)."""
import json
import platform
import sys

from bench import history
from bench.decide import bench_cli, bench_engine


def main() -> int:
    """Print engine, CLI and customer-history figures."""
    report = {"machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
              "engine": bench_engine(), "cli": bench_cli(),
              "customer_history": history.main()}
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
