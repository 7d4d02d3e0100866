"""Asking for an export and downloading its file, each audited inside its transaction."""

import secrets

from django.db import transaction

from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.exports import kinds, runner
from zhucun.exports.models import ExportJob, State


def export_request(*, user, kind: str, parameters: dict, address: str | None) -> ExportJob:
    """Queue an export of `kind` with the list's filters; it is built after the commit
    (zhucun.exports.runner), as `user`, with their data scope when it runs."""
    if kind not in kinds.KINDS:
        raise ServiceError(ErrorCode.INVALID, f"导出内容:不支持“{kind}”", field="kind")
    with transaction.atomic():
        job = ExportJob.objects.create(
            requester=user,
            kind=kind,
            title=kinds.KINDS[kind].title,
            parameters=parameters,
            address=address,
            file_name=f"{secrets.token_urlsafe(24)}.xlsx",
        )
        log.record(
            actor=user,
            event="export.request",
            obj=job,
            address=address,
            detail={"title": job.title, "filters": parameters},
        )
        transaction.on_commit(lambda: runner.submit(job.pk))
    return job


def export_download(*, user, job: ExportJob, address: str | None):
    """The finished file of the user's own job, opened for reading; the download audited.

    The caller has already found the job among the user's own (views.own_job)."""
    if job.requester_id != user.pk:
        raise ServiceError(ErrorCode.NOT_FOUND, "导出文件不存在")
    if job.state == State.FAILED:
        raise ServiceError(ErrorCode.CONFLICT, "该导出未能生成文件,请重新导出")
    if job.state != State.DONE:
        raise ServiceError(ErrorCode.CONFLICT, "文件尚未生成完成,请稍后再下载")
    path = runner.file_path(job)
    if not path.exists():
        raise ServiceError(ErrorCode.NOT_FOUND, "文件已过保存期限(一天)被删除,请重新导出")
    handle = path.open("rb")
    with transaction.atomic():
        log.record(
            actor=user,
            event="export.download",
            obj=job,
            address=address,
            detail={"title": job.title, "rows": job.rows},
        )
    return handle
