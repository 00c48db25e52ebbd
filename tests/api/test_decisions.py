"""The decision API over HTTP: the same validation and errors as the CLI, with HTTP statuses."""
import json
from pathlib import Path

import pytest

from integration.app import create_app
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.shops.core import issue_api_key
from integration.web.limits import limiter
from tests.helpers import contract_validator, make_case

EXAMPLE = json.loads((Path(__file__).parents[1] / "contract" / "example_case.json").read_text())


@pytest.fixture()
def client(rt):
    app = create_app({"TESTING": True}, rt=rt, enqueue=lambda _id: None)
    limiter.reset()   # the limits count per process: earlier tests' calls must not refuse these
    return app.test_client()


@pytest.fixture()
def keyed(rt, shops):
    """The Authorization header of a shop's API key: a policy of one's own needs it."""
    with transaction(rt.sessions) as session:
        return {"Authorization": f"Bearer {issue_api_key(session.get(Shop, shops['shopify'].id))}"}


def test_health_and_presets(client):
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/api/v1/policies").json["presets"] == ["blank", "kainamo", "kaolate", "kinectr", "motion-hardware", "oak-and-iron", "paper-and-vow"]


def test_decide_with_a_preset_returns_a_contract_decision(client):
    response = client.post("/api/v1/decide", json={"policy": "kainamo", "case": EXAMPLE})
    assert response.status_code == 200
    contract_validator("decision").validate(response.json)
    assert list(response.json)[:3] == ["case_id", "outcome", "resolution"]


def test_decide_several_cases_with_an_inline_yaml_policy(client, keyed):
    policy = Path("config/policies/kinectr.yaml").read_text()
    response = client.post("/api/v1/decide", json={"policy": policy, "cases": [make_case(), EXAMPLE]}, headers=keyed)
    assert response.status_code == 200 and len(response.json["decisions"]) == 2


def test_an_invalid_case_is_422_with_each_field_named(client):
    case = make_case()
    case["request"]["type"] = "refund"
    del case["order"]["currency"]
    response = client.post("/api/v1/decide", json={"policy": "kaolate", "case": case})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json["errors"]}
    assert fields == {"request.type", "order.currency"}


def test_an_invalid_policy_is_400(client, keyed):
    response = client.post("/api/v1/decide", json={"policy": {"policy": "x"}, "case": EXAMPLE}, headers=keyed)
    assert response.status_code == 400
    assert {"field": "timezone", "message": "is required"} in response.json["errors"]


def test_a_body_that_is_not_json_is_a_clear_error(client):
    response = client.post("/api/v1/decide", data="policy=kaolate", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    assert "Content-Type: application/json" in response.json["errors"][0]["message"]


def test_policy_check_reports_findings(client):
    response = client.post("/api/v1/policies/check", json={"policy": "kaolate"})
    assert response.status_code == 200
    assert response.json["valid"] is True and response.json["uncovered_total"] >= 1


def test_policy_check_reports_the_fee_and_evidence_lints_as_the_cli_does(client, keyed):
    text = """
policy: lints
name: Lints
timezone: UTC
clauses: {c: "Terms."}
evidence_kinds:
  serial_photo: {label: "A photo of the serial number", files: [image/jpeg]}
fees:
  tiers:
    any:
      tiers: {from: purchase, unit: days, steps: [{from_day: 0, percent: 0}, {from_day: 3, percent: 50},
                                                  {from_day: 3, percent: 100}]}
  flat:
    any: {amount: "350.00", per: order}
rules:
  - {id: all, clause: c, decide: approve, resolution: [refund], refund: {deductions: tiers}}
"""
    body = client.post("/api/v1/policies/check", json={"policy": text}, headers=keyed).json
    assert body["valid"] is True and body["unasked_evidence"] and "serial_photo" in body["unasked_evidence"][0]
    assert body["fee_findings"] and "tiers" in body["fee_findings"][0]
    assert any("flat" in w for w in body["warnings"]), body["warnings"]
