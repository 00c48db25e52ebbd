"""Evidence files: the real type from the bytes, the limits, and the store scoped to its shop."""
import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.evidence_models import EvidenceFile
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.requests.evidence import (EvidenceError, Upload, delete_case_files, fetch_file, list_files,
                                           sanitize_filename, store_files, validate_upload, validate_uploads,
                                           with_stored_evidence)
from integration.requests.evidence_types import sniff
from integration.settings import EvidenceLimits
from tests import evidence_files as ef
from tests.orders.test_picture import STORY, replay
from tests.tiers import examples

LIMITS = EvidenceLimits(photo_max_bytes=1000, video_max_bytes=4000, request_max_bytes=5000, max_files=3)


@pytest.mark.parametrize("data, expected", [
    (ef.jpeg(), "image/jpeg"), (ef.png(), "image/png"), (ef.webp(), "image/webp"), (ef.heic(), "image/heic"),
    (ef.mp4(), "video/mp4"), (ef.quicktime(), "video/quicktime"), (ef.webm(), "video/webm"),
    (ef.avif(), None), (ef.matroska(), None), (ef.PDF, None), (ef.HTML, None), (b"", None),
])
def test_the_type_is_read_from_the_bytes(data, expected):
    assert sniff(data) == expected


def _upload(data, kind="photo", field="photos[0]", filename="IMG_0001.jpg"):
    return Upload(field, kind, filename, data)


def test_a_valid_photo_gets_its_real_type_a_safe_name_and_its_hash():
    valid = validate_upload(_upload(ef.png(), filename="C:\\Users\\jane\\DCIM\\Hé llo?.jpg"), LIMITS)
    assert (valid.content_type, valid.filename) == ("image/png", "He_llo.png")  # named for what it is
    assert len(valid.sha256) == 64


@pytest.mark.parametrize("data, words", [(ef.PDF, "a PDF document"), (ef.HTML, "text (HTML, XML or JSON)"),
                                         (ef.avif(), "not a file type evidence accepts")])
def test_a_jpg_that_is_something_else_is_415_naming_the_field(data, words):
    with pytest.raises(EvidenceError) as raised:
        validate_upload(_upload(data, field="photos[1]"), LIMITS)
    assert raised.value.status == 415
    assert raised.value.errors[0].startswith(f"photos[1]: the file is {words}")
    assert "JPEG, PNG, WebP, HEIC" in raised.value.errors[0]


def test_a_video_sent_as_a_photo_says_where_it_belongs():
    with pytest.raises(EvidenceError) as raised:
        validate_upload(_upload(ef.mp4()), LIMITS)
    assert raised.value.status == 415 and raised.value.errors[0].endswith("send it in the videos field")


def test_each_kind_has_its_own_size_limit():
    big_photo = ef.jpeg(padding=1200)
    with pytest.raises(EvidenceError) as raised:
        validate_upload(_upload(big_photo), LIMITS)
    assert raised.value.status == 413 and raised.value.errors[0].startswith("photos[0]: the file is larger")
    assert validate_upload(_upload(ef.mp4() + b"\x00" * 1200, "video", "videos[0]"), LIMITS).kind == "video"


def test_an_upload_has_a_file_count_and_a_total_size_limit():
    with pytest.raises(EvidenceError) as raised:
        validate_uploads([_upload(ef.png(), field=f"photos[{n}]") for n in range(4)], LIMITS)
    assert (raised.value.status, raised.value.errors[0].split(":")[0]) == (422, "photos[3]")
    videos = [_upload(ef.mp4() + b"\x00" * 3000, "video", f"videos[{n}]") for n in range(2)]
    with pytest.raises(EvidenceError) as raised:
        validate_uploads(videos, LIMITS)
    assert raised.value.status == 413 and "one upload may be" in raised.value.errors[0]


def test_an_empty_file_is_422():
    with pytest.raises(EvidenceError) as raised:
        validate_upload(_upload(b""), LIMITS)
    assert raised.value.status == 422


@pytest.mark.parametrize("name, expected", [("../../etc/passwd", "passwd.jpg"), (None, "photo.jpg"),
                                            (".jpg", "photo.jpg"), ("a\x00b\r\n.jpeg", "a_b.jpg")])
def test_file_names_are_sanitized(name, expected):
    assert sanitize_filename(name, "photo", "image/jpeg") == expected


SIGNATURES = st.sampled_from([b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBP",
                              b"\x1a\x45\xdf\xa3", b"\x00\x00\x00\x18ftyp", b"\xff\xff\xff\xffftypmif1"])


@pytest.mark.scaled
@settings(max_examples=examples(300), deadline=None)
@given(prefix=SIGNATURES, rest=st.binary(max_size=1200), kind=st.sampled_from(["photo", "video"]),
       filename=st.none() | st.text(max_size=300))
def test_the_validator_on_any_bytes_only_ever_raises_its_own_error(prefix, rest, kind, filename):
    try:
        valid = validate_upload(Upload("photos[0]", kind, filename, prefix + rest), LIMITS)
    except EvidenceError as exc:
        assert exc.status in (413, 415, 422) and exc.errors[0].startswith("photos[0]: ")
    else:
        assert sniff(valid.data) == valid.content_type and "/" not in valid.filename and len(valid.filename) <= 90


@pytest.fixture()
def case(client, rt, queue, shops):
    """A Shopify return request (a defective hoodie, with no photos), decided needs_evidence."""
    replay(client, rt, queue, "shopify", STORY + ["returns_request"])
    with rt.sessions() as session:
        return session.scalars(select(ReturnCase)).one()


def test_stored_files_are_listed_counted_and_fetched_only_for_their_shop(rt, case, shops):
    files = validate_uploads([_upload(ef.jpeg()), _upload(ef.png(), field="photos[1]"),
                              _upload(ef.webm(), "video", "videos[0]", "clip.webm")], LIMITS)
    with transaction(rt.sessions) as session:
        stored = store_files(session, session.get(ReturnCase, case.id), files)
    with rt.sessions() as session:
        listed = list_files(session, session.get(ReturnCase, case.id))
        assert [(f.kind, f.content_type, f.size) for f in listed] == [
            ("photo", "image/jpeg", len(files[0].data)), ("photo", "image/png", len(files[1].data)),
            ("video", "video/webm", len(files[2].data))]
        evidence = with_stored_evidence(session, session.get(ReturnCase, case.id))["evidence"]
        assert (evidence["photos"], evidence["videos"]) == (2, 1)
        assert fetch_file(session, case.shop_id, case.id, stored[1].id).data == ef.png()
        assert fetch_file(session, shops["woocommerce"].id, case.id, stored[1].id) is None
        assert fetch_file(session, case.shop_id, case.id + 1, stored[1].id) is None


def test_deleting_a_shops_files_leaves_other_requests_alone(rt, case):
    [valid] = validate_uploads([_upload(ef.jpeg())], LIMITS)
    with transaction(rt.sessions) as session:
        store_files(session, session.get(ReturnCase, case.id), [valid])
        assert delete_case_files(session, case.shop_id, [case.id + 1]) == 0
        assert delete_case_files(session, case.shop_id, [case.id]) == 1
    with rt.sessions() as session:
        assert session.scalars(select(EvidenceFile)).all() == []
        assert session.get(Shop, case.shop_id) is not None


def test_files_counted_on_a_request_whose_evidence_is_null():
    # Found by the request API fuzz test: "evidence": null with an uploaded photo was a TypeError (a 500).
    from integration.requests.evidence import KIND_FIELDS, with_files_counted
    kind, field = next(iter(KIND_FIELDS.items()))
    assert with_files_counted({"type": "return", "evidence": None}, {kind: 2})["evidence"] == {field: 2}
    for wrong in (1e30, "many", [1], {field: "two"}, {field: True}):   # left for the case's validation to name
        assert with_files_counted({"evidence": wrong}, {kind: 1}) == {"evidence": wrong}
