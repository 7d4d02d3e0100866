"""Exporting the household list: the button queues a job, 我的导出 follows it, the file downloads."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from zhucun.exports.models import ExportJob, State
from zhucun.exports.runner import run_pending

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport, name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_town_exports_its_households_and_downloads_the_file_when_it_is_ready(
    cast, page_at, settings, tmp_path, viewport, name
):
    # Given the town's party secretary, and jobs left to `manage.py run_exports` (no pool
    # thread), so the test sees the job wait and decides when it is built
    settings.ZHUCUN_EXPORT_THREADS = 0
    page = page_at(viewport)
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, "ed", PASSWORD)
    page.wait_for_url("**/")

    # When he opens the household list and presses 导出Excel
    page.get_by_role("link", name="贫困户", exact=True).click()
    page.wait_for_url("**/households/")
    page.get_by_role("button", name="导出Excel").click()

    # Then he lands on 我的导出, where the job waits, and the list keeps asking
    page.wait_for_url("**/exports/")
    expect(page.locator(".messages")).to_contain_text("已提交导出")
    expect(page.locator("#export-jobs")).to_contain_text("排队中")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"export-queued-{name}")

    # When the job is built (as run_exports would after a restart)
    assert run_pending()["built"] == 1
    # Then the list shows it done without a reload, with its rows and a download link
    download_link = page.get_by_role("link", name="下载")
    expect(download_link).to_be_visible(timeout=15_000)
    expect(page.locator("#export-jobs")).to_contain_text("已完成")
    screenshot(page, f"export-done-{name}")

    # And the file holds the town's households
    with page.expect_download() as download:
        download_link.click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    job = ExportJob.objects.get()
    assert (job.state, job.rows) == (State.DONE, len(codes))
    assert cast.household.code in codes and cast.other_household.code not in codes
    assert download.value.suggested_filename.startswith("贫困户名单-")
    assert refused == []
