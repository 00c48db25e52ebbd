"""The customer's request page with the merchant's own evidence kinds: one field per kind, checked by its bytes."""
import io

from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.evidence_models import EvidenceFile
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.policy.loader import resolve_policy_path
from integration.requests.evidence import list_files, with_stored_evidence
from integration.requests.evidence_kinds import kind_words
from integration.shops.core import set_policy
from tests import evidence_files
from tests.web.test_customer_pages import PAGE, _find, _form, customer  # noqa: F401  (fixture)
from tests.web_helpers import csrf_from

KINDS = """
evidence_kinds:
  packing_slip:    {label: "A photo of the packing slip", files: [image/jpeg, image/png, application/pdf]}
  return_tracking: {label: "The tracking number of your return shipment", text: true}
  unused_kind:     {label: "Never asked for", text: true}
"""


def with_kinds(rt, ask="packing_slip") -> None:
    """The demo shop's Kaolate policy, its photo rules asking for `ask` too, with the kinds above."""
    text = resolve_policy_path("kaolate").read_text().replace(
        "evidence: [order_number, photos]", f"evidence: [order_number, photos, {ask}]") + KINDS
    with transaction(rt.sessions) as session:
        set_policy(session, session.scalars(select(Shop).where(Shop.domain == PAGE.rsplit("/", 1)[1])).one(), text)


def _send(client, **fields):
    data = {**_form(client), "type": "return", "qty-9002": "1", "reason": "defective", **fields}
    return client.post(f"{PAGE}/new", data=data, content_type="multipart/form-data")


def _one_case(rt):
    with rt.sessions() as session:
        case = session.scalars(select(ReturnCase)).one()
        return case.decisions[-1].document, with_stored_evidence(session, case)["evidence"], [
            (f.kind, f.filename, f.content_type) for f in list_files(session, case)]


def test_the_form_has_one_field_per_kind_the_rules_ask_for(customer, rt):
    with_kinds(rt)
    _find(customer)
    page = customer.get(f"{PAGE}/new").data.decode()
    assert '<label for="field-packing_slip">A photo of the packing slip (JPEG, PNG or PDF)</label>' in page
    assert 'name="packing_slip" type="file" accept="image/jpeg,image/png,application/pdf"' in page
    assert "unused_kind" not in page and "return_tracking" not in page   # no rule asks for them


def test_a_packing_slip_pdf_goes_with_the_request_and_is_kept_as_its_kind(customer, rt):
    with_kinds(rt)
    _find(customer)
    response = _send(customer, photos=[(io.BytesIO(evidence_files.jpeg()), "zip.jpg")],
                     packing_slip=[(io.BytesIO(evidence_files.PDF), "slip.pdf")])
    assert response.status_code == 302, response.data
    decision, evidence, files = _one_case(rt)
    assert decision["outcome"] != "needs_evidence" and "packing_slip" in decision["evidence_required"]
    assert evidence["provided"] == ["packing_slip"] and evidence["photos"] == 1
    assert files == [("photo", "zip.jpg", "image/jpeg"), ("file", "packing_slip/slip.pdf", "application/pdf")]


def test_a_wrong_file_for_a_kind_is_refused_naming_the_kind_and_its_types(customer, rt):
    with_kinds(rt)
    _find(customer)
    response = _send(customer, packing_slip=[(io.BytesIO(b"PK\x03\x04 an archive"), "slip.pdf")])
    assert response.status_code == 415 and b'href="#field-packing_slip"' in response.data
    page = response.data.decode()
    assert ("the file is a ZIP archive, whatever its name or declared type says; a photo of the packing slip "
            "(packing_slip) must be a JPEG, PNG or PDF file") in page
    with rt.sessions() as session:
        assert session.scalars(select(ReturnCase)).all() == []


def test_a_missing_slip_is_asked_for_in_the_merchants_words_and_added_later(customer, rt):
    with_kinds(rt)
    _find(customer)
    created = _send(customer, photos=[(io.BytesIO(evidence_files.jpeg()), "zip.jpg")]).headers["Location"]
    decision, _, _ = _one_case(rt)
    assert decision["outcome"] == "needs_evidence" and decision["evidence_missing"] == ["packing_slip"]
    page = customer.get(created)
    assert "We need a little more from you" in page.data.decode()   # the customer's words, not the explanation
    needs = page.data.decode().split("the shop needs ")[1].split(". Send them below")[0]
    assert "a photo of the packing slip" in needs and "packing_slip" not in needs   # the merchant's words, not an id
    assert b'name="packing_slip" type="file"' in page.data
    data = {"csrf_token": csrf_from(page.data), "packing_slip": [(io.BytesIO(evidence_files.png()), "slip.png")]}
    response = customer.post(f"{created}/evidence", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.data
    decision, evidence, _ = _one_case(rt)
    assert decision["outcome"] != "needs_evidence" and evidence["provided"] == ["packing_slip"]


def test_a_written_kind_is_a_text_field_kept_with_the_request(customer, rt):
    with_kinds(rt, ask="return_tracking")
    _find(customer)
    page = customer.get(f"{PAGE}/new").data.decode()
    assert '<label for="field-return_tracking">The tracking number of your return shipment</label>' in page
    response = _send(customer, photos=[(io.BytesIO(evidence_files.jpeg()), "zip.jpg")],
                     return_tracking="  1Z999AA10123456784 ")
    assert response.status_code == 302, response.data
    decision, evidence, files = _one_case(rt)
    assert evidence["provided"] == ["return_tracking"] and decision["outcome"] != "needs_evidence"
    assert files[-1] == ("text", "return_tracking/return_tracking.txt", "text/plain")
    with rt.sessions() as session:
        assert session.scalars(select(EvidenceFile.data).where(EvidenceFile.kind == "text")).one() == \
            b"1Z999AA10123456784"


def test_the_shops_kinds_in_words_are_the_ones_its_rules_ask_for(customer, rt):
    with_kinds(rt)
    with rt.sessions() as session:
        shop = session.scalars(select(Shop).where(Shop.domain == PAGE.rsplit("/", 1)[1])).one()
        assert kind_words(session, shop) == {"packing_slip": "a photo of the packing slip"}
