"""The `returnkit` command line: decide cases, check policies, serve the app."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from integration.cli import shops as cli_shops
from integration.cli.errors import CommandError
from integration.cases_io import read_cases
from integration.contract.case_schema import InvalidCase, load_case
from integration.contract.decision import decision_json
from integration.observability.logging import setup_logging
from integration.policy.check import analyse
from integration.policy.compiler import InvalidPolicy
from integration.policy.engine import decide
from integration.policy.loader import load_policy_file, resolve_policy_path

EXIT_OK, EXIT_FINDINGS, EXIT_INVALID = 0, 1, 2


class CliError(Exception):
    """An error to print as one line on standard error before exiting with status 2."""


def _load_policy(name: str, all_errors: bool = False):
    path = resolve_policy_path(name)
    try:
        return load_policy_file(name)
    except OSError as exc:
        raise CliError(f"{path}: cannot read the policy: {exc.strerror or exc}") from None
    except InvalidPolicy as exc:
        if all_errors:
            raise CliError("\n".join(f"{path}: {e}" for e in exc.errors)) from None
        more = len(exc.errors) - 1
        tail = f" (and {more} more; run 'returnkit policy check {name}')" if more else ""
        raise CliError(f"{path}: {exc.errors[0]}{tail}") from None


def _read_input(path: str | None) -> tuple[str, str]:
    if path is None or path == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return Path(path).read_text(encoding="utf-8"), path
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot read the cases: {getattr(exc, 'strerror', None) or exc}") from None


def cmd_decide(args: argparse.Namespace) -> int:
    """Decide every case; print one decision per line; report bad cases on stderr."""
    policy = _load_policy(args.policy)
    text, name = _read_input(args.cases)
    status = EXIT_OK
    out = sys.stdout
    for raw in read_cases(text, name):
        try:
            if raw.error:
                raise InvalidCase([raw.error])
            decision = decide(policy, load_case(raw.data))
        except InvalidCase as exc:
            print(f"{raw.label}: {exc.errors[0]}", file=sys.stderr)
            status = EXIT_INVALID
            continue
        out.write(json.dumps(decision_json(decision), ensure_ascii=False) + "\n")
    return status


def cmd_policy_check(args: argparse.Namespace) -> int:
    """Validate a policy and report rules that never fire and requests no rule covers."""
    policy = _load_policy(args.path, all_errors=True)
    report = analyse(policy)
    path = resolve_policy_path(args.path)
    print(f"{path}: valid: policy {policy.id!r}, {len(policy.rules)} rules, "
          f"{len(policy.adjustments)} adjustments, {len(policy.windows)} windows")
    for line in report.lines():
        print(f"{path}: {line}")
    return EXIT_FINDINGS if args.strict and report.findings else EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Run web and worker on the embedded defaults (migrating first; a demo shop when there is none)."""
    from integration.cli.serve import serve
    return serve(args.host)


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the background worker."""
    from integration.cli.serve import run_worker
    return run_worker(args.workers)


def cmd_demo_post(args: argparse.Namespace) -> int:
    """Post a signed sample webhook to the local demo shop."""
    from integration.cli.demo import demo_post
    return demo_post(args.fixture, int(os.environ.get("PORT", "8000")))


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check the deployment's configuration and connectivity."""
    from integration.cli.doctor import doctor
    return doctor()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="returnkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("decide", help="decide cases (JSON or JSON Lines) with a policy")
    p.add_argument("--policy", required=True, help="policy YAML file, or a preset name (e.g. kaolate)")
    p.add_argument("cases", nargs="?", help="file with one JSON case or JSON Lines; stdin when absent")
    p.set_defaults(run=cmd_decide)
    pol = sub.add_parser("policy", help="work with policy documents").add_subparsers(dest="action", required=True)
    c = pol.add_parser("check", help="validate a policy; list rules that never fire and uncovered requests")
    c.add_argument("path", help="policy YAML file, or a preset name")
    c.add_argument("--strict", action="store_true", help="exit 1 when there are findings")
    c.set_defaults(run=cmd_policy_check)
    cli_shops.register(sub)
    s = sub.add_parser("serve", help="run web and worker on the embedded defaults (PORT, default 8000)")
    s.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    s.set_defaults(run=cmd_serve)
    w = sub.add_parser("worker", help="run the background worker (Huey consumer)")
    w.add_argument("--workers", type=int, default=int(os.environ.get("WORKER_THREADS", "4")))
    w.set_defaults(run=cmd_worker)
    doc = sub.add_parser("doctor", help="check configuration and connectivity; one line per check, exit 1 on a failure")
    doc.set_defaults(run=cmd_doctor)
    demo = sub.add_parser("demo", help="the demo shop").add_subparsers(dest="action", required=True)
    dp = demo.add_parser("post", help="POST a signed Shopify sample fixture to the local service")
    dp.add_argument("fixture", help="a fixture name, e.g. orders_create or fulfillments_update")
    dp.set_defaults(run=cmd_demo_post)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `returnkit` console script."""
    args = build_parser().parse_args(argv)
    setup_logging()
    if args.command not in ("serve", "worker"):   # a command's own output, not Alembic's set-up lines
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return args.run(args)
    except (CliError, CommandError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK
