"""Configuration comes from the caller's runtime: only the process entry points load settings or read the environment,
checked on the source with ast; and a runtime's sessions carry its settings to the code that has only a session."""
import ast

from integration.runtime import settings_of
from tests.architecture.imports import project_modules

# The process entry points: the CLI, the app factory, the runtime's bootstrap, gunicorn's settings, the loader itself.
ENTRY_POINTS = ("integration.cli", "integration.app", "integration.runtime", "integration.gunicorn_conf",
                "integration.settings")

# Reads below the entry points that stay, each with why. A read that is gone must leave this list too.
ALLOWED = {
    ("integration.jobs.queue", "process_settings"): "the queue of a process that installed none (the worker), once",
    ("integration.outbox.gateways", "process_settings"): "platform_gateway called without settings (gateways_for "
                                                         "passes its runtime's)",
    ("adapters.woocommerce.client", "process_settings"): "PlatformAdapter.client(shop, timeout) carries no settings",
    ("integration.observability.multiproc", "os.environ"): "prometheus_client's directory, and the mark `returnkit "
                                                           "serve` leaves for gunicorn: not configuration",
    ("integration.observability.metrics", "os.environ"): "prometheus_client's own PROMETHEUS_MULTIPROC_DIR",
    ("integration.observability.logging", "os.environ"): "RETURNKIT_LOG_LEVEL, when an entry point sets up logging",
}
SETTINGS_CALLS = {"load_settings", "process_settings"}
ENV_NAMES = {"environ", "getenv", "putenv", "unsetenv"}


def config_reads(tree: ast.AST) -> set[str]:
    """What a module does of: load_settings(), process_settings(), os.environ (os.getenv, `from os import environ`)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in SETTINGS_CALLS:
                found.add(name)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "os" and node.attr in ENV_NAMES:
                found.add("os.environ")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            if ENV_NAMES & {alias.name for alias in node.names}:
                found.add("os.environ")
    return found


def _is_entry_point(module: str) -> bool:
    return any(module == e or module.startswith(e + ".") for e in ENTRY_POINTS)


def project_config_reads() -> set[tuple[str, str]]:
    """(module, read) for every module outside the entry points."""
    return {(name, read) for name, path in project_modules().items() if not _is_entry_point(name)
            for read in config_reads(ast.parse(path.read_text(), str(path)))}


def test_only_the_entry_points_load_settings_or_read_the_environment():
    assert sorted(project_config_reads() - ALLOWED.keys()) == []


def test_every_allowed_read_is_still_there():
    assert sorted(ALLOWED.keys() - project_config_reads()) == []


def test_the_scan_sees_each_kind_of_read():
    source = ("import os\nfrom os import environ\nfrom integration.settings import load_settings\n"
              "a = load_settings()\nb = os.getenv('X')\nc = runtime.process_settings()\n")
    assert config_reads(ast.parse(source)) == {"load_settings", "process_settings", "os.environ"}
    assert config_reads(ast.parse("env = request.environ\nload_settings\n")) == set()


def test_a_runtimes_sessions_carry_its_settings_and_keep_their_own_info(rt):
    with rt.sessions() as one, rt.sessions() as two:
        one.info["mark"] = 1
        assert settings_of(one) is rt.settings and settings_of(two) is rt.settings
        assert "mark" not in two.info
