"""Going through a background export as a person does: ask, let it build, download."""

from io import BytesIO
from urllib.parse import urlencode

from django.urls import reverse
from openpyxl import load_workbook

from zhucun.exports.models import ExportJob
from zhucun.exports.runner import run_job


def exported_workbook(client, url, query=None):
    """POST the list's export button, build the job as the runner does, download the file."""
    response = client.post(url + (f"?{urlencode(query)}" if query else ""))
    assert response.status_code == 302 and response["Location"] == reverse("exports:mine")
    job = ExportJob.objects.latest("pk")
    run_job(job.pk)
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download.status_code == 200, download
    return load_workbook(BytesIO(b"".join(download.streaming_content)))
