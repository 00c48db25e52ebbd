"""The project's import graph, read from the source with ast: every import, at module level or inside a function."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("integration", "adapters", "webhooks")


def module_name(path: Path) -> str:
    """The dotted name of a source file under ROOT."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    """Every module of the application packages (migrations excluded: Alembic loads them by path)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an imported name lives in (a name imported from a package may be its submodule)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _imported_names(tree: ast.AST, here: str, is_package: bool) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")[: len(here.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports."""
    modules = project_modules()
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        targets = {_resolve(n, modules) for n in _imported_names(tree, name, path.name == "__init__.py")}
        graph[name] = {t for t in targets if t and t != name and not name.startswith(t + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


# The layers, top to bottom: a module may import its own layer and the layers below it, never one above.
# Entry points call the stages; a stage calls the stages after it in the data flow and the core beneath.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("entry points", ("integration.cli", "integration.app", "integration.gunicorn_conf", "integration.web",
                      "integration.api", "integration.observability.web", "webhooks")),
    ("jobs", ("integration.jobs",)),
    ("merchant pages' services", ("integration.merchant",)),
    ("inbox", ("integration.inbox",)),
    ("requests", ("integration.requests",)),
    ("outbox", ("integration.outbox",)),
    # Telling people a request moved: announced by the requests and the outbox, sent by the jobs.
    ("notifications", ("integration.notify",)),
    ("orders", ("integration.orders",)),
    # A shop is named and checked by its platform's adapter, and a platform's install creates shops: one layer,
    # inside which the module-level rule (no cycles) still holds.
    ("platforms and shops", ("adapters", "integration.shops")),
    ("policy and contract", ("integration.policy", "integration.contract")),
    ("core", ("integration.db", "integration.domain", "integration.money", "integration.settings",
              "integration.secrets", "integration.runtime", "integration.observability", "integration.cases_io",
              "integration")),
]


def layer_of(module: str) -> int:
    """The index of the module's layer in LAYERS (0 is the top); the longest matching prefix decides."""
    best, depth = None, -1
    for n, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > depth:
                best, depth = n, len(prefix)
    if best is None:
        raise KeyError(f"{module} is in no layer: add its package to LAYERS")
    return best


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Each import of a module from a higher layer, as 'importer -> imported (layer -> layer)'."""
    found = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if layer_of(target) < layer_of(module):
                found.append(f"{module} -> {target} ({LAYERS[layer_of(module)][0]} -> {LAYERS[layer_of(target)][0]})")
    return found
