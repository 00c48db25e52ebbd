"""Apps share compiled URL builders and templates (integration/web/compile_once.py), and build the same URLs."""
from flask import url_for
from werkzeug.routing import Map, Rule

from integration.app import create_app
from integration.web.compile_once import TEMPLATES, OnceCompiledRule

RULES = [("/app/orders/<int:order_pk>", {}), ("/r/<slug>/requests/<int:case_id>", {}),
         ("/app/policy/<path:name>", {"name": "kaolate"}), ("/static/<path:filename>", {})]
VALUES = {"order_pk": 42, "slug": "kaolate demo", "case_id": 7, "name": "oak and iron/v2", "filename": "app.css"}


def _built(rule_class) -> list[str]:
    urls = Map([rule_class(path, endpoint=f"e{n}", defaults=defaults or None) for n, (path, defaults) in enumerate(RULES)])
    adapter = urls.bind("shop.example")
    out = []
    for n, (path, defaults) in enumerate(RULES):
        values = {k: v for k, v in VALUES.items() if (f"<{k}>" in path or f":{k}>" in path) and k not in defaults}
        out.append(adapter.build(f"e{n}", {**values, "utm": "a b", "x": ["1", "2"]}))
        out.append(adapter.build(f"e{n}", values, force_external=True))
    return out


def test_a_rule_compiled_once_builds_what_werkzeugs_own_rule_builds():
    assert _built(OnceCompiledRule) == _built(Rule)
    assert _built(OnceCompiledRule) == _built(OnceCompiledRule)   # the second Map takes the cached builders


def test_two_apps_share_each_rules_builder_and_the_template_cache(rt, queue):
    first, second = (create_app({"TESTING": True}, rt=rt, enqueue=queue.append) for _ in range(2))
    one, two = (app.url_map._rules_by_endpoint["pages.home"][0] for app in (first, second))
    assert one is not two and one._build.__func__ is two._build.__func__
    assert first.jinja_env.bytecode_cache is TEMPLATES is second.jinja_env.bytecode_cache
    for app in (first, second):
        with app.test_request_context():
            assert url_for("customer.lookup", slug="kaolate demo", lang="fr") == "/r/kaolate%20demo?lang=fr"
