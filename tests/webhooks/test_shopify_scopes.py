"""The access scopes in adapters/shopify/scopes.py are exactly what our documents and webhook topics need.

What each field, type and topic needs is read from Shopify's real 2026-10 Admin schema: fields and
types carry it in `requiredAccess`, webhook topics in their enum description.
"""
from __future__ import annotations

import gzip
import json
import re
import tomllib
from functools import cache
from pathlib import Path

import graphql
import pytest

from adapters.shopify.documents import API_VERSION, DOCUMENTS
from adapters.shopify.scopes import BEYOND_SCHEMA, SCOPES, implied, scope_param
from adapters.shopify.subscriptions import API_TOPICS, MANDATORY_COMPLIANCE_TOPICS, topic_enum
from tests.shopify_schema import admin_schema, schema_file, validate

ROOT = Path(__file__).resolve().parents[2]


@cache
def _raw_schema() -> dict:
    return json.loads(gzip.decompress(schema_file().read_bytes()))["data"]["__schema"]


def _alternatives(statement: str | None, bare_prefix: str) -> frozenset[str] | None:
    """The scopes any one of which satisfies a statement like "`a` access scope or `b` access scope."."""
    if not statement:
        return None
    main = statement.split("Also:")[0]    # what follows "Also:" applies only to optional uses
    names = re.findall(r"`([a-z_]+)`", main) or re.findall(r"\b((?:read|write)_[a-z_]+)", main)
    return frozenset(n if n.startswith(("read_", "write_")) else bare_prefix + n for n in names) or None


def _document_requirements(name: str, document: str) -> set[tuple[str, frozenset]]:
    types = {t["name"]: t for t in _raw_schema()["types"]}
    fields = {(t, f["name"]): f for t, d in types.items() for f in d.get("fields") or ()}
    info, found = graphql.TypeInfo(admin_schema()), set()
    ast = graphql.parse(document)
    mutation = graphql.get_operation_ast(ast).operation == graphql.OperationType.MUTATION

    class Collect(graphql.Visitor):
        def enter_field(self, node, *_):
            parent = info.get_parent_type()
            returned = graphql.get_named_type(info.get_type())
            prefix = "write_" if mutation and parent is admin_schema().mutation_type else "read_"
            for where, statement in ((f"{parent.name}.{node.name.value}",
                                      fields[(parent.name, node.name.value)].get("requiredAccess")),
                                     (returned.name, types[returned.name].get("requiredAccess"))):
                alternatives = _alternatives(statement, prefix)
                if alternatives:
                    found.add((f"{name}: {where}", alternatives))

    graphql.visit(ast, graphql.TypeInfoVisitor(info, Collect()))
    return found


def _topic_requirements() -> set[tuple[str, frozenset]]:
    enum = next(t for t in _raw_schema()["types"] if t["name"] == "WebhookSubscriptionTopic")
    descriptions = {v["name"]: v["description"] for v in enum["enumValues"]}
    found = set()
    for topic in API_TOPICS:
        text = descriptions[topic_enum(topic)]
        listed = re.search(r"Requires\s+(?:the\s+`([a-z_]+)`\s+scope|at\s+least\s+one\s+of\s+the\s+following\s+scopes:"
                           r"\s+([a-z_,\s]+))", text)
        if listed:
            names = (listed.group(1) or listed.group(2)).replace("\n", " ").split(",")
            found.add((f"topic {topic}", frozenset(n.strip() for n in names if n.strip())))
    return found


def all_requirements() -> set[tuple[str, frozenset]]:
    """(where, scopes any of which will do) for every field, type and topic returnkit uses."""
    found = _topic_requirements()
    for name, document in DOCUMENTS.items():
        found |= _document_requirements(name, document)
    return found


def _unmet(scopes) -> list[str]:
    granted = implied(scopes)
    return sorted(f"{where} needs one of {sorted(alternatives)}"
                  for where, alternatives in all_requirements() if not granted & alternatives)


def test_the_schema_states_requirements_for_what_we_use():
    wheres = {where for where, _ in all_requirements()}
    assert "IssueRefund: Mutation.refundCreate" in wheres and "topic products/create" in wheres
    assert ("IssueRefund: Mutation.refundCreate", frozenset({"write_orders", "write_marketplace_orders",
                                                           "write_buyer_membership_orders"})) in all_requirements()


def test_our_scopes_cover_every_requirement():
    assert _unmet(SCOPES) == []


DERIVED = [s for s in SCOPES if s not in BEYOND_SCHEMA]


@pytest.mark.parametrize("scope", DERIVED)
def test_every_scope_is_needed(scope):
    assert _unmet([s for s in DERIVED if s != scope]) != [], f"{scope} is not needed by any document or topic"


def test_only_read_all_orders_is_asked_for_beyond_what_the_schema_derives():
    # read_all_orders widens what read_orders reaches (orders older than 60 days) and gates no field: no
    # requiredAccess names it, only the Order type's description does. Nothing else may skip the derivation.
    assert set(BEYOND_SCHEMA) == {"read_all_orders"} and set(BEYOND_SCHEMA) <= set(SCOPES)
    assert _unmet(DERIVED) == [] and not any("read_all_orders" in a for _, a in all_requirements())
    order = next(t for t in _raw_schema()["types"] if t["name"] == "Order")
    assert "60 days" in order["description"] and "`read_all_orders`" in order["description"]


@pytest.mark.parametrize("topic", API_TOPICS)
def test_every_subscribed_topic_is_a_valid_subscription(topic):
    variables = {"topic": topic_enum(topic), "webhookSubscription": {"uri": "https://x.test/webhooks/shopify",
                                                                       "format": "JSON"}}
    assert validate(DOCUMENTS["CreateWebhookSubscription"], variables) == []


def test_the_app_toml_declares_our_scopes_and_the_compliance_webhooks():
    config = tomllib.loads((ROOT / "shopify.app.toml").read_text())
    assert config["access_scopes"]["scopes"] == scope_param()
    assert config["webhooks"]["api_version"] == API_VERSION
    [compliance] = [s for s in config["webhooks"]["subscriptions"] if "compliance_topics" in s]
    assert sorted(compliance["compliance_topics"]) == sorted(MANDATORY_COMPLIANCE_TOPICS)
    assert compliance["uri"].endswith("/webhooks/shopify")
    assert all(url.endswith("/auth/callback") for url in config["auth"]["redirect_urls"])
