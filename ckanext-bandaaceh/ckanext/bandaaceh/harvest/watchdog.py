"""Watchdog for harvest jobs stuck in "Running".

A fetch or gather consumer that dies mid-job (killed, out of memory, machine restarted) leaves
its job "Running" for ever: ckanext-harvest only finishes a job once every object is COMPLETE
or ERROR, and an object whose consumer died stays in FETCH. ``abort_stuck_jobs()`` (run by
``ckan bandaaceh harvesters watchdog``, which the harvest scheduler calls) aborts every running
job with no activity for ``bandaaceh.harvest.stuck_after`` seconds, through ckanext-harvest's
own ``harvest_job_abort`` (job Finished, unfinished objects ERROR), records why as a gather
error the job page shows, and reindexes the source so its status is current. The next
scheduled run then starts a fresh job.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject
from sqlalchemy import func

__all__ = ["StuckJob", "abort_stuck_jobs", "last_activity", "stuck_after"]

_OBJECT_TIMES = (HarvestObject.gathered, HarvestObject.fetch_started, HarvestObject.fetch_finished,
                 HarvestObject.import_started, HarvestObject.import_finished)


@dataclass(frozen=True)
class StuckJob:
    job_id: str
    source: str
    idle: datetime.timedelta
    unfinished_objects: int


def stuck_after() -> datetime.timedelta:
    """``bandaaceh.harvest.stuck_after``: seconds without activity before a job is aborted."""
    return datetime.timedelta(seconds=tk.config.get("bandaaceh.harvest.stuck_after"))


def last_activity(job: HarvestJob) -> datetime.datetime:
    """The latest time anything happened in a job: its creation, its gather stage, or any of
    its objects being gathered, fetched or imported (started or finished)."""
    times = model.Session.query(*[func.max(col) for col in _OBJECT_TIMES]) \
        .filter(HarvestObject.harvest_job_id == job.id).one()
    return max(t for t in (job.created, job.gather_started, job.gather_finished, *times) if t)


def _unfinished(job: HarvestJob) -> int:
    return model.Session.query(HarvestObject.id).filter(
        HarvestObject.harvest_job_id == job.id,
        HarvestObject.state.notin_(("COMPLETE", "ERROR"))).count()


def abort_stuck_jobs(now: datetime.datetime | None = None, dry_run: bool = False) -> list[StuckJob]:
    """Abort the running jobs idle for longer than ``stuck_after()``; return what was (or,
    with ``dry_run``, would be) aborted."""
    now = now or datetime.datetime.utcnow()
    limit = stuck_after()
    context = {"model": model, "session": model.Session, "ignore_auth": True, "user": ""}
    stuck: list[StuckJob] = []
    for job in model.Session.query(HarvestJob).filter(HarvestJob.status == "Running").all():
        idle = now - last_activity(job)
        if idle <= limit:
            continue
        found = StuckJob(job.id, job.source.title or job.source.url, idle, _unfinished(job))
        stuck.append(found)
        if dry_run:
            continue
        job_id, source_id = job.id, job.source_id
        tk.get_action("harvest_job_abort")(dict(context), {"id": job_id})
        job = HarvestJob.get(job_id)
        job.finished = now
        job.save()
        minutes = int(idle.total_seconds() // 60)
        HarvestGatherError.create(
            f"Dihentikan oleh watchdog: tidak ada kemajuan selama {minutes} menit "
            f"(batas bandaaceh.harvest.stuck_after = {int(limit.total_seconds())} detik; "
            f"consumer berhenti di tengah pekerjaan?). {found.unfinished_objects} objek belum "
            f"selesai ditandai gagal. / Aborted by the watchdog: no progress for {minutes} minutes.",
            job)
        tk.get_action("harvest_source_reindex")(dict(context), {"id": source_id})
    return stuck
