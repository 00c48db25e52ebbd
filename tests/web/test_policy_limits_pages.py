"""The settings pages hold a policy to the same limits as the API (issue 16, item 1): a document nested thousands
deep or full of aliases is a 422 naming the limit, never a 500 with a traceback in the log."""
import json
import logging

from tests.policy.hostile import alias_fan, deep_yaml, repeated_alias
from tests.policy_page_helpers import page_state, signed_in  # noqa: F401  (fixture)


def test_the_editor_names_the_limit_a_document_breaks(signed_in, caplog):
    caplog.set_level(logging.INFO)
    for text, words in ((deep_yaml(5_000), b"nested more than 20 levels"), (repeated_alias(60), b"YAML aliases"),
                        (alias_fan(), b"keys, values and list items")):
        response = signed_in.post("/app/policy/editor", data={"csrf_token": signed_in.csrf, "document": text})
        assert response.status_code == 422 and words in response.data
    assert "Traceback" not in caplog.text


def test_a_draft_over_a_limit_is_not_kept_so_every_page_still_reads_the_draft(signed_in, rt, shops):
    signed_in.post("/app/policy/editor", data={"csrf_token": signed_in.csrf, "document": "policy: mine\n",
                                              "action": "draft"})
    before = page_state(rt, shops["shopify"].id)
    refused = signed_in.post("/app/policy/editor", data={"csrf_token": signed_in.csrf, "action": "draft",
                                                        "document": deep_yaml(5_000)})
    assert refused.status_code == 422 and b"nested more than 20 levels" in refused.data
    assert page_state(rt, shops["shopify"].id) == before
    for page in ("/app/policy/", "/app/policy/form", "/app/policy/editor", "/app/try/replay"):
        assert signed_in.get(page).status_code < 500, page


def test_try_it_refuses_a_pasted_case_nested_deep_or_too_large(signed_in):
    for case, words in (("[" * 5_000 + "]" * 5_000, b"depth limit exceeded"),
                        (json.dumps({"order": {"line_items": [{}] * 1_001}}), b"at most 1,000"),
                        (" " * 200_001, b"at most 200,000")):
        response = signed_in.post("/app/try/", data={"csrf_token": signed_in.csrf, "case_json": case,
                                                     "policy": "current"})
        assert response.status_code == 422 and words in response.data
