"""The layering of docs/architecture.md, checked on the source: no import cycles, no import up a layer."""
from tests.architecture.imports import LAYERS, cycles, import_graph, layer_of, project_modules, upward_imports


def test_no_module_imports_itself_through_others():
    assert cycles(import_graph()) == []


def test_no_module_imports_from_a_layer_above_its_own():
    assert upward_imports(import_graph()) == []


def test_every_module_has_a_layer():
    assert {name: layer_of(name) for name in project_modules()}   # layer_of names the module that has none


def test_the_checks_see_a_cycle_and_an_upward_import():
    graph = {"integration.inbox.a": {"integration.jobs.queue"}, "integration.jobs.queue": {"integration.inbox.a"}}
    assert cycles(graph) == [["integration.inbox.a", "integration.jobs.queue"]]
    assert upward_imports(graph) == ["integration.inbox.a -> integration.jobs.queue (inbox -> jobs)"]
    assert [name for name, _ in LAYERS][0] == "entry points"
