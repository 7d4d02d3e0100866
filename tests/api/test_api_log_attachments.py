"""Log attachments through the API: checked by zhucun/uploads.py, refused with its own words."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.funds_cast import PDF, PNG
from zhucun.uploads import UploadField, check_upload
from zhucun.worklogs.models import LogAttachment
from zhucun.worklogs.services import log_save

KEY = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def bobs_log(cast):
    return log_save(
        actor=cast.users["bob"],
        day=timezone.localdate(),
        tasks=[1],
        content="召开村民代表会议",
        off_site=False,
        household_ids=[],
        projects="",
    )


def upload(client, work_log, content=PDF, name="签到表.pdf", key=None):
    data = {"file": SimpleUploadedFile(name, content)} if content is not None else {}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/worklogs/{work_log.pk}/attachments", data=data, **headers)


def test_a_cadre_attaches_a_scan_to_their_log_once_and_it_downloads_in_scope(
    cast, bearer, bobs_log
):
    # When bob sends the meeting's sign-in sheet twice with one key
    client = bearer(cast.users["bob"])
    first = upload(client, bobs_log, key=KEY)
    again = upload(client, bobs_log, key=KEY)
    # Then it is kept once, typed by its content
    assert first.status_code == 201, first.content
    assert again.content == first.content
    assert first.json()["kind"] == "pdf" and first.json()["name"] == "签到表.pdf"
    assert LogAttachment.objects.count() == 1
    url = f"/api/v1/worklogs/{bobs_log.pk}/attachments"
    assert [a["id"] for a in client.get(url).json()] == [first.json()["id"]]
    # And it downloads, as a sandboxed attachment, for those who may see the log
    download = f"{url}/{first.json()['id']}"
    for who in ("bob", "alice", "dora", "ed"):
        response = bearer(cast.users[who]).get(download)
        assert response.status_code == 200, who
        assert response["Content-Disposition"].startswith("attachment")
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == PDF
    # And for nobody else
    assert bearer(cast.users["oscar"]).get(download).status_code == 404
    assert bearer(cast.users["olga"]).get(url).status_code == 404
    assert bearer(cast.users["carol"]).get(download).status_code == 403


@pytest.mark.parametrize(
    "content, name",
    [
        (PDF + b"\x00" * (1024 * 1024), "签到表.pdf"),  # over ZHUCUN_UPLOAD_MAX_MB
        (b"<html><script>alert(1)</script></html>", "签到表.pdf"),  # not what its name says
        (PNG, "签到表.pdf"),  # a PNG with a PDF's name
        (b"", "空.pdf"),
    ],
)
def test_a_bad_file_is_refused_with_the_pages_code_and_words_and_nothing_is_kept(
    cast, bearer, bobs_log, settings, content, name
):
    settings.ZHUCUN_UPLOAD_MAX_MB = 1
    # Given the words of the upload rules (zhucun/uploads.py) for this file
    with pytest.raises(ValidationError) as page_refusal:
        check_upload(SimpleUploadedFile(name, content))
    if content:  # a page's UploadField says the same (Django itself words the empty file)
        with pytest.raises(ValidationError) as field_refusal:
            UploadField().clean(SimpleUploadedFile(name, content))
        assert field_refusal.value.messages == page_refusal.value.messages
    # When it is sent to the API
    response = upload(bearer(cast.users["bob"]), bobs_log, content=content, name=name)
    # Then the API refuses it with the shared code, naming the field, in the same words
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("bad_upload", "file")
    assert body["message"] == page_refusal.value.messages[0]
    assert not LogAttachment.objects.exists()
    stored = list(settings.MEDIA_ROOT.rglob("*")) if settings.MEDIA_ROOT.exists() else []
    assert stored == []


def test_no_file_at_all_is_refused_naming_the_field(cast, bearer, bobs_log):
    response = upload(bearer(cast.users["bob"]), bobs_log, content=None)
    assert (response.status_code, response.json()["code"]) == (422, "bad_upload")
    assert response.json()["field"] == "file"


def test_only_the_logs_own_cadre_attaches_to_it(cast, bearer, bobs_log):
    # alice leads bob's team and reads his log, but it is his log to document
    response = upload(bearer(cast.users["alice"]), bobs_log)
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    # An office may read logs but does not write them
    assert upload(bearer(cast.users["dora"]), bobs_log).status_code == 403
    assert not LogAttachment.objects.exists()
