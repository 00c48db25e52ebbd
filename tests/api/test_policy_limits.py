"""The policy endpoints are bounded (issue 16, item 1): a policy of one's own needs a shop's key, every document is
held to the limits before any work and refused with a 4xx naming the limit, coverage over too many windows is not
analysed (and says so), and anyone's calls are rate limited."""
import json
import logging
from pathlib import Path

import pytest

from integration.api.decisions import ANONYMOUS_LIMITS, MAX_CASES
from integration.policy import bounds
from tests.api.test_decisions import EXAMPLE, client, keyed  # noqa: F401  (fixtures)
from tests.policy.hostile import alias_fan, deep_any_of, deep_yaml, many, many_windows, repeated_alias

CHECK, DECIDE = "/api/v1/policies/check", "/api/v1/decide"


def _fields(response) -> list[str]:
    return [e["field"] for e in response.json["errors"]]


def test_a_policy_of_ones_own_needs_a_shops_key_and_a_preset_does_not(client):
    own = Path("config/policies/kinectr.yaml").read_text()
    for url, body in ((CHECK, {"policy": own}), (DECIDE, {"policy": own, "case": EXAMPLE}),
                      (DECIDE, {"policy": {"policy": "x"}, "case": EXAMPLE})):
        refused = client.post(url, json=body)
        assert refused.status_code == 401 and _fields(refused) == ["authorization"]
        assert "shop's API key" in refused.json["errors"][0]["message"]
    assert client.post(DECIDE, json={"policy": "kinectr", "case": EXAMPLE}).status_code == 200
    assert client.post(CHECK, json={"policy": "kinectr"}).status_code == 200


def test_a_key_of_no_shop_is_401_and_a_mistyped_preset_is_named(client):
    refused = client.post(CHECK, json={"policy": "kinectr"}, headers={"Authorization": "Bearer rk_nobody"})
    assert refused.status_code == 401 and _fields(refused) == ["authorization"]
    typo = client.post(CHECK, json={"policy": "kinectrr"})
    assert typo.status_code == 400 and "did you mean 'kinectr'" in typo.json["errors"][0]["message"]


@pytest.mark.parametrize("url", [CHECK, DECIDE])
@pytest.mark.parametrize("policy, field, words", [
    (deep_yaml(5_000), "policy", f"nested more than {bounds.MAX_DEPTH} levels"),
    (deep_any_of(400), "(document)", f"nested more than {bounds.MAX_DEPTH} levels"),
    (repeated_alias(40_000), "(document)", f"at most {bounds.MAX_CHARS:,}"),
    (repeated_alias(60), "policy", f"more than {bounds.MAX_ALIASES} YAML aliases"),
    (alias_fan(), "(document)", f"more than {bounds.MAX_VALUES:,} keys, values and list items"),
    (many("windows", bounds.MAX_WINDOWS + 1), "windows", f"at most {bounds.MAX_WINDOWS}"),
    (many("rules", bounds.MAX_RULES + 1), "rules", f"at most {bounds.MAX_RULES}"),
])
def test_a_document_over_a_limit_is_400_naming_the_limit_and_the_fix(client, keyed, caplog, url, policy, field, words):
    caplog.set_level(logging.INFO)
    response = client.post(url, json={"policy": policy, "case": EXAMPLE}, headers=keyed)
    assert response.status_code == 400, response.data[:300]
    [error] = response.json["errors"]
    assert error["field"] == field and words in error["message"]
    assert "Traceback" not in caplog.text and "api.refused" in caplog.text


def test_coverage_over_too_many_windows_is_not_analysed_and_the_rest_is_answered(client, keyed):
    response = client.post(CHECK, json={"policy": many_windows(16)}, headers=keyed)
    assert response.status_code == 200 and response.json["valid"] is True
    [why] = response.json["not_analysed"]
    assert why.startswith("too many windows to analyse: the rules for return requests name 16 windows")
    assert response.json["never_fire"] == [] and response.json["uncovered_total"] == 0


def test_too_many_cases_in_one_call_are_refused(client):
    response = client.post(DECIDE, json={"policy": "kinectr", "cases": [EXAMPLE] * (MAX_CASES + 1)})
    assert response.status_code == 422 and _fields(response) == ["cases"]
    lines = json.loads(json.dumps(EXAMPLE))
    lines["order"]["line_items"] = [dict(lines["order"]["line_items"][0], id=str(n)) for n in range(1_001)]
    response = client.post(DECIDE, json={"policy": "kinectr", "case": lines})
    assert response.status_code == 422 and "1,001 line items" in response.json["errors"][0]["message"]


def test_anyones_checks_are_rate_limited_per_address_and_a_shops_per_shop(client, keyed):
    allowed = int(ANONYMOUS_LIMITS["check"].split(" ")[0])
    statuses = [client.post(CHECK, json={"policy": "blank"}).status_code for _ in range(allowed + 1)]
    assert statuses == [200] * allowed + [429]
    refused = client.post(CHECK, json={"policy": "blank"})
    assert _fields(refused) == ["(request)"] and int(refused.headers["Retry-After"]) > 0
    assert client.post(CHECK, json={"policy": "blank"}, headers=keyed).status_code == 200   # the shop's own count
