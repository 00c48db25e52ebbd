"""The settings form reads a policy through the limits of integration/policy/bounds.py (issue 16, item 1: follow-up):
a saved draft nested too deep, too large or full of aliases (kept by a release before the limits) shows the form
with an error naming the limit, never a 500."""
from datetime import datetime, timezone

import pytest

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.merchant.policy_editor import DRAFT_KEY
from integration.merchant.policy_form import FormErrors, apply_form, read_form
from tests.policy.hostile import alias_fan, deep_yaml, repeated_alias
from tests.policy_page_helpers import KAOLATE, signed_in  # noqa: F401  (fixture)

HOSTILE = [(deep_yaml(5_000), "nested more than 20 levels"), (repeated_alias(60), "YAML aliases"),
           (alias_fan(), "keys, values and list items"), (KAOLATE + "#" * 100_000, "characters; a policy may have")]


@pytest.mark.parametrize("text, words", HOSTILE)
def test_reading_or_applying_the_form_names_the_limit_the_document_breaks(text, words):
    for read in (read_form, lambda t: apply_form(t, {})):
        with pytest.raises(FormErrors) as refused:
            read(text)
        [message] = refused.value.errors["(document)"]
        assert words in message and "YAML editor" in message


def _keep_draft_as_an_earlier_release_did(rt, shop_id: int, text: str) -> None:
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        draft = {"document": text, "origin": "editor", "updated_at": stamp}
        shop.settings = {**(shop.settings or {}), DRAFT_KEY: draft}


@pytest.mark.parametrize("text, words", HOSTILE[:2])
def test_a_saved_draft_over_a_limit_shows_the_form_with_the_error(signed_in, rt, shops, text, words):
    _keep_draft_as_an_earlier_release_did(rt, shops["shopify"].id, text)
    page = signed_in.get("/app/policy/form")
    assert page.status_code == 422 and words.encode() in page.data and b"YAML editor" in page.data
    posted = signed_in.post("/app/policy/form", data={"csrf_token": signed_in.csrf, "action": "draft"})
    assert posted.status_code == 422 and words.encode() in posted.data


def test_a_policy_within_the_limits_still_reads(signed_in):
    assert read_form(KAOLATE)["windows"] and signed_in.get("/app/policy/form").status_code == 200
