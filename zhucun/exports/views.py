"""我的导出: the user's own export jobs, their downloads, and the request form the lists use."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.audit.log import client_address
from zhucun.errors import ServiceError
from zhucun.exports import kinds, services
from zhucun.exports.models import ExportJob
from zhucun.exports.xlsx import XLSX

SHOWN = 20


def request_export(request, *, kind: str, parameters: dict, described: list, back: str):
    """The page behind a list's 导出 button: GET shows what will be exported and a
    button; POST (with its CSRF token) queues the job and goes to 我的导出.

    Creating a job is a write, so a plain link (GET) never creates one."""
    if request.method == "POST":
        services.export_request(
            user=request.user,
            kind=kind,
            parameters=parameters,
            address=client_address(request),
        )
        messages.success(request, "已提交导出,文件生成后可在本页下载。")
        return redirect("exports:mine")
    return render(
        request,
        "exports/request.html",
        {"title": kinds.KINDS[kind].title, "described": described, "back": back},
    )


@allow(*Role)
def my_exports(request):
    jobs = list(ExportJob.objects.filter(requester=request.user)[:SHOWN])
    context = {"jobs": jobs, "pending": any(job.pending for job in jobs)}
    if request.htmx:  # the list polls itself while a job is queued or running
        return render(request, "exports/_jobs.html", context)
    return render(request, "exports/my_exports.html", context)


@allow(*Role)
def download(request, pk):
    # Only the requester's own jobs: another's is not found, as a missing one.
    job = ExportJob.objects.filter(pk=pk, requester=request.user).first()
    if job is None:
        raise Http404("导出文件不存在")
    try:
        handle = services.export_download(
            user=request.user, job=job, address=client_address(request)
        )
    except ServiceError as exc:  # not built (yet), or past the day it is kept
        messages.error(request, exc.message)
        return redirect("exports:mine")
    response = FileResponse(handle, content_type=XLSX)
    name = f"{job.title}-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response
