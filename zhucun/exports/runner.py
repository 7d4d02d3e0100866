"""Building export files in the background: a small thread pool in the web process.

How a job runs, and why this way
--------------------------------
``export_request`` (services.py) saves a queued job and, once its transaction has
committed (``transaction.on_commit``), hands the job's id to a pool of
``settings.ZHUCUN_EXPORT_THREADS`` threads (1 by default) in the process that took
the request. The request answers at once; the file is written by a thread of the
same process, with its own database connection. This works unchanged under
``make run`` (runserver), gunicorn (each worker process has its pool) and in tests
(``transaction.on_commit`` never fires inside a test's transaction, so a test runs
the job itself with ``run_job`` or ``run_pending``), with no queue server or worker
service to install, start and watch.

What a process cannot do is finish a job it was killed in. ``run_pending`` covers
that, and is run both by ``manage.py run_exports`` (after a restart, or from cron)
and by the pool after each job it builds:

- a job still *running* ``ZHUCUN_EXPORT_STALE_MINUTES`` after it started was left
  by a process that stopped: it is marked failed, with a message that asks for a
  new export;
- a job *queued* for over a minute was left by a restart before its thread took
  it: it is built now;
- jobs and files older than ``ZHUCUN_EXPORT_RETENTION_HOURS`` (a day) are removed.

A job is claimed by one conditional UPDATE (queued → running), so the pool of
another worker process and the command never build the same job twice.

``ZHUCUN_EXPORT_THREADS=0`` keeps jobs queued for ``manage.py run_exports`` alone
(a deployment that prefers a separate worker; the benchmark, which times the
request and the job apart).
"""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from zhucun.audit import log
from zhucun.exports import kinds
from zhucun.exports.models import ExportJob, State
from zhucun.exports.xlsx import write_xlsx

logger = logging.getLogger(__name__)

FAILED_BUILD = "生成文件时出错,请重新导出;如再次失败,请联系系统管理员。"
FAILED_STALE = "导出中断:生成文件期间系统重启,请重新导出。"
LEFT_QUEUED = timedelta(minutes=1)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def export_dir() -> Path:
    return Path(settings.ZHUCUN_EXPORT_DIR)


def file_path(job: ExportJob) -> Path:
    return export_dir() / job.file_name


def submit(job_id: int) -> Future | None:
    """Build the job in this process's pool (after the request's commit); None if the
    pool is switched off (ZHUCUN_EXPORT_THREADS=0)."""
    threads = settings.ZHUCUN_EXPORT_THREADS
    if threads <= 0:
        return None
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="export")
    return _pool.submit(_in_thread, job_id)


def _in_thread(job_id: int) -> None:
    try:
        run_job(job_id)
        run_pending()
    except Exception:  # a thread's error would vanish silently: log it
        logger.exception("export job %s", job_id)
    finally:
        connections.close_all()  # this thread's own connections


def _claim(job_id: int) -> bool:
    """Queued → running, for exactly one caller."""
    claimed = ExportJob.objects.filter(pk=job_id, state=State.QUEUED).update(
        state=State.RUNNING, started_at=timezone.now()
    )
    return claimed == 1


def run_job(job_id: int) -> ExportJob | None:
    """Build one queued job's file as its requester; None if someone else has claimed it."""
    if not _claim(job_id):
        return None
    job = ExportJob.objects.select_related("requester").get(pk=job_id)
    # The requester as stored today: their scope is evaluated now, as they would see it.
    user = job.requester
    target = file_path(job)
    partial = target.with_suffix(".part")
    try:
        if not user.is_active:
            raise PermissionError("the requester's account is disabled")
        sheet = kinds.sheet_for(job.kind, user, job.parameters)
        export_dir().mkdir(parents=True, exist_ok=True)
        count = write_xlsx(
            partial,
            title=sheet.title,
            headers=sheet.headers,
            rows=sheet.rows,
            user=user,
            exported_at=job.created_at,
        )
        partial.replace(target)
    except Exception:
        logger.exception("export job %s failed", job_id)
        partial.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job_id).update(
            state=State.FAILED, error=FAILED_BUILD, finished_at=timezone.now()
        )
        return ExportJob.objects.get(pk=job_id)
    with transaction.atomic():
        job.state, job.rows, job.size = State.DONE, count, target.stat().st_size
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "rows", "size", "finished_at"])
        log.record(
            actor=user,
            event="export.personal" if sheet.personal else "export",
            obj=job,
            address=job.address,
            detail={"title": sheet.title, "filters": sheet.filters, "rows": count},
        )
    return job


def run_pending(now=None) -> dict:
    """Fail the stale running jobs, build the queued ones left behind, remove the old.

    `now` is given by tests; a job queued since less than a minute is left to the
    pool thread it was handed to, unless ``ZHUCUN_EXPORT_THREADS`` is 0.
    """
    now = now or timezone.now()
    stale = ExportJob.objects.filter(
        state=State.RUNNING,
        started_at__lt=now - timedelta(minutes=settings.ZHUCUN_EXPORT_STALE_MINUTES),
    ).update(state=State.FAILED, error=FAILED_STALE, finished_at=now)
    queued = ExportJob.objects.filter(state=State.QUEUED)
    if settings.ZHUCUN_EXPORT_THREADS > 0:
        queued = queued.filter(created_at__lt=now - LEFT_QUEUED)
    built = 0
    for job_id in queued.order_by("created_at", "pk").values_list("pk", flat=True):
        built += run_job(job_id) is not None
    removed = prune(now)
    return {"failed_stale": stale, "built": built, **removed}


def prune(now=None) -> dict:
    """Remove jobs and files older than the retention (a day): the files hold personal data."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.ZHUCUN_EXPORT_RETENTION_HOURS)
    old = ExportJob.objects.filter(created_at__lt=cutoff).exclude(state=State.RUNNING)
    files = 0
    for name in old.values_list("file_name", flat=True):
        path = export_dir() / name
        files += path.exists()
        path.unlink(missing_ok=True)
    jobs, _ = old.delete()
    # Files no job names any more (a job removed by hand, a crash between file and row).
    if export_dir().is_dir():
        known = set(ExportJob.objects.values_list("file_name", flat=True))
        for path in export_dir().iterdir():
            if path.suffix not in (".xlsx", ".part") or path.name in known:
                continue
            if path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                files += 1
    return {"removed_jobs": jobs, "removed_files": files}
