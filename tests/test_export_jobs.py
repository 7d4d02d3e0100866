"""Background exports (zhucun.exports): asked for on a list, built as the requester, downloaded
by the requester alone, audited, kept a day."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories as f
from tests.api.test_api_write_queries import chain
from zhucun.audit.models import AuditEvent
from zhucun.exports import kinds, runner
from zhucun.exports.checks import export_dir_is_private
from zhucun.exports.models import ExportJob, State
from zhucun.exports.services import export_request

CAST = ["alice", "bob", "carol", "dora", "ed", "fay", "gus", "oscar", "olga", "sam", "sid", "aud"]
EXPORT = reverse("households:household_export")
MINE = reverse("exports:mine")


def download_url(job):
    return reverse("exports:download", args=[job.pk])


def codes_in(response):
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    return [row[0] for row in book.worksheets[0].iter_rows(min_row=4, values_only=True)]


def broken(user, parameters):
    raise RuntimeError("disk full")


def test_opening_the_export_address_shows_a_button_and_creates_nothing(cast, client):
    # Given the county office on the old export address (a bookmark, a link)
    client.force_login(cast.users["dora"])
    # When it is opened with GET
    response = client.get(EXPORT, {"status": "poor"})
    # Then the page says what will be exported and offers a POST button; no job exists
    body = response.content.decode()
    assert response.status_code == 200
    assert "导出贫困户名单" in body and "未脱贫" in body and 'method="post"' in body
    assert "csrfmiddlewaretoken" in body
    assert ExportJob.objects.count() == 0


def test_the_button_queues_a_job_with_the_filters_and_audits_the_request(cast, client):
    # Given the town's party secretary on the household list
    client.force_login(cast.users["ed"])
    # When they press 导出Excel with a filter
    response = client.post(f"{EXPORT}?q=EVIL&page=3")
    # Then a queued job holds who asked and the filters, and they land on 我的导出
    assert response.status_code == 302 and response["Location"] == MINE
    job = ExportJob.objects.get()
    assert (job.requester, job.kind, job.title, job.state) == (
        cast.users["ed"],
        "households",
        "贫困户名单",
        State.QUEUED,
    )
    assert job.parameters == {"q": "EVIL"}
    assert len(job.file_name) >= 32 + len(".xlsx")  # 192 random bits, not guessable
    event = AuditEvent.objects.get(event="export.request")
    assert (event.actor, event.object_id) == (cast.users["ed"], str(job.pk))
    assert event.detail == {"title": "贫困户名单", "filters": {"q": "EVIL"}}


def test_the_job_reads_the_requesters_scope_on_the_day_it_runs(cast, client):
    # Given a household export asked for by the county office
    client.force_login(cast.users["dora"])
    client.post(EXPORT)
    job = ExportJob.objects.get()
    # And a household of the county registered after the request, one of another county too
    late = f.HouseholdFactory(village=cast.village, code="610124LATE01")
    f.HouseholdFactory(village=cast.other_village, code="610122LATE02")
    # When the job runs
    done = runner.run_job(job.pk)
    # Then the file holds the county's households as of now, and nothing of the other county
    assert done.state == State.DONE
    codes = codes_in(client.get(download_url(job)))
    assert late.code in codes and cast.household.code in codes
    assert cast.other_household.code not in codes and "610122LATE02" not in codes
    assert done.rows == len(codes)
    # And the build is audited as an export of personal data with its row count
    event = AuditEvent.objects.get(event="export.personal")
    assert event.actor == cast.users["dora"]
    assert event.detail == {"title": "贫困户名单", "filters": {}, "rows": len(codes)}


def test_a_job_runs_once_however_many_runners_try(cast):
    job = export_request(user=cast.users["dora"], kind="households", parameters={}, address=None)
    assert runner.run_job(job.pk) is not None
    assert runner.run_job(job.pk) is None
    assert AuditEvent.objects.filter(event="export.personal").count() == 1


@pytest.mark.parametrize("username", CAST)
def test_only_the_requester_downloads_the_file_whatever_the_role(cast, client, username):
    # Given a finished export of each of two people: this user's and another's
    user = cast.users[username]
    other = cast.users["dora" if username != "dora" else "oscar"]
    own = export_request(user=user, kind="households", parameters={}, address=None)
    theirs = export_request(user=other, kind="households", parameters={}, address=None)
    runner.run_job(own.pk)
    runner.run_job(theirs.pk)
    client.force_login(user)
    # When the user asks for both files
    mine = client.get(download_url(own))
    refused = client.get(download_url(theirs))
    # Then their own arrives, audited; the other is not found, as a missing job is
    assert mine.status_code == 200 and mine["Cache-Control"] == "no-store"
    assert mine["Content-Disposition"].startswith("attachment;")
    assert refused.status_code == 404
    assert client.get(reverse("exports:download", args=[0])).status_code == 404
    downloads = AuditEvent.objects.filter(event="export.download")
    assert [(e.actor, e.object_id) for e in downloads] == [(user, str(own.pk))]
    # And the list shows only their own job
    body = client.get(MINE).content.decode()
    assert download_url(own) in body and download_url(theirs) not in body


def test_the_list_polls_while_a_job_waits_and_stops_when_it_is_done(cast, client):
    # Given a queued job
    client.force_login(cast.users["dora"])
    client.post(EXPORT)
    job = ExportJob.objects.get()
    # Then 我的导出 shows it waiting and asks htmx to reload the list every 2 s
    body = client.get(MINE).content.decode()
    assert "排队中" in body and 'hx-trigger="every 2s"' in body and "<script>" not in body
    # And the htmx request gets the list alone
    partial = client.get(MINE, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="export-jobs"') and "<html" not in partial
    # When the job is done, the list offers the download and stops polling
    runner.run_job(job.pk)
    partial = client.get(MINE, HTTP_HX_REQUEST="true").content.decode()
    assert "已完成" in partial and download_url(job) in partial and "hx-trigger" not in partial


def test_a_failed_job_says_so_in_chinese_and_offers_no_file(cast, client, monkeypatch):
    # Given an export whose builder breaks
    monkeypatch.setitem(kinds.KINDS, "broken", kinds.Kind("坏的导出", f"{__name__}.broken"))
    job = export_request(user=cast.users["dora"], kind="broken", parameters={}, address=None)
    # When it runs
    failed = runner.run_job(job.pk)
    # Then it is failed with a message for the user, no file is left and nothing is audited
    assert failed.state == State.FAILED and failed.error == runner.FAILED_BUILD
    assert not runner.file_path(failed).exists()
    assert not list(runner.export_dir().glob("*.part"))
    assert not AuditEvent.objects.filter(event__in=["export", "export.personal"]).exists()
    client.force_login(cast.users["dora"])
    body = client.get(MINE).content.decode()
    assert "失败" in body and "请重新导出" in body and download_url(job) not in body
    response = client.get(download_url(job), follow=True)
    assert response.redirect_chain == [(MINE, 302)]
    assert "该导出未能生成文件,请重新导出" in response.content.decode()


def test_a_disabled_account_gets_no_file(cast):
    job = export_request(user=cast.users["dora"], kind="households", parameters={}, address=None)
    cast.users["dora"].is_active = False
    cast.users["dora"].save(update_fields=["is_active"])
    assert runner.run_job(job.pk).state == State.FAILED


def test_run_exports_fails_stale_jobs_builds_left_ones_and_removes_day_old_files(
    cast, settings, capsys
):
    settings.ZHUCUN_EXPORT_THREADS = 1
    now = timezone.now()
    user = cast.users["dora"]
    # Given a job left running by a stopped process, one left queued by a restart,
    # one just queued (its pool thread will take it), and a finished one of two days ago
    stale = export_request(user=user, kind="households", parameters={}, address=None)
    ExportJob.objects.filter(pk=stale.pk).update(
        state=State.RUNNING, started_at=now - timedelta(hours=1)
    )
    left = export_request(user=user, kind="households", parameters={}, address=None)
    ExportJob.objects.filter(pk=left.pk).update(created_at=now - timedelta(minutes=5))
    fresh = export_request(user=user, kind="households", parameters={}, address=None)
    old = export_request(user=user, kind="households", parameters={}, address=None)
    runner.run_job(old.pk)
    ExportJob.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=2))
    old_file = runner.file_path(old)
    assert old_file.exists()
    # When the command runs
    call_command("run_exports")
    # Then the stale job is failed with a message, the left one built, the fresh one left
    # to its thread, and the old job and its file are gone
    states = dict(ExportJob.objects.values_list("pk", "state"))
    assert states == {stale.pk: State.FAILED, left.pk: State.DONE, fresh.pk: State.QUEUED}
    assert ExportJob.objects.get(pk=stale.pk).error == runner.FAILED_STALE
    assert not old_file.exists()
    assert '"built": 1' in capsys.readouterr().out


def test_an_export_directory_under_static_or_media_files_stops_the_start(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.ZHUCUN_EXPORT_DIR = tmp_path / "exports"
    assert [e.id for e in export_dir_is_private(None)] == ["zhucun.E040"]
    settings.ZHUCUN_EXPORT_DIR = tmp_path.parent / "elsewhere"
    assert export_dir_is_private(None) == []


@pytest.mark.parametrize("extra", [5, 120])
def test_asking_for_an_export_runs_the_same_few_queries_at_any_size(
    cast, client, django_assert_num_queries, extra
):
    # Given a county with more or fewer households, and past exports in 我的导出
    for _ in range(extra):
        f.HouseholdFactory(village=cast.village)
    client.force_login(cast.users["dora"])
    client.get(MINE)  # the session is warm
    for _ in range(extra // 5):
        export_request(user=cast.users["dora"], kind="households", parameters={}, address=None)
    # Then asking for the export and opening the list take the same queries at both sizes
    # (the audit chain's statements differ by database)
    with django_assert_num_queries(7 + chain(rows=0)):
        assert client.post(EXPORT).status_code == 302
    with django_assert_num_queries(5):
        assert client.get(MINE).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_in_the_running_site_the_pool_builds_the_job_after_the_request(cast, client, settings):
    # Given the web process's pool of one thread (the default), and a committed request
    settings.ZHUCUN_EXPORT_THREADS = 1
    client.force_login(cast.users["dora"])
    client.post(EXPORT)
    # Then, without anyone running it, the job is built in the background: wait for the
    # pool's one thread to finish it (a marker queued behind it) before this thread reads
    # the table at all — SQLite's shared in-memory test database reports a table being
    # read by one connection as locked to another's write (the job claiming its row)
    runner._pool.submit(lambda: None).result(timeout=60)
    job = ExportJob.objects.get()
    assert job.state == State.DONE, job.error
    assert cast.household.code in codes_in(client.get(download_url(job)))


@pytest.mark.parametrize("username", CAST)
def test_the_navigation_leads_to_my_exports_whoever_may_export_a_list(cast, client, username):
    # Given a member of the cast on their home page
    client.force_login(cast.users[username])
    nav = client.get(reverse("home")).content.decode().split('aria-label="主导航"')[1]
    nav = nav.split("</nav>")[0]
    # When they may open the household or the cadre list's export
    may_export = any(
        client.get(reverse(name)).status_code == 200
        for name in ("households:household_export", "org:cadre_export")
    )
    # Then 我的导出 is in their navigation, and only then
    assert (f'href="{MINE}"' in nav) == may_export
    assert ("我的导出" in nav) == may_export
