"""``ckan bandaaceh harvesters ...``: sources as code, synchronous runs with a summary."""
from __future__ import annotations

import contextlib
import sys

import ckan.plugins.toolkit as tk
import click

from .consumers import CONSUMERS, consume_forever
from .sources import RunError, default_sources_dir, our_sources, run_source, sync_sources
from .watchdog import abort_stuck_jobs, stuck_after

__all__ = ["harvesters"]

_STATUS_WORDS = {"added": "created", "updated": "updated", "not modified": "unchanged",
                 "deleted": "deleted", "errored": "FAILED"}


def _app_context() -> object:
    """Actions and templates want a request context; the ckan CLI gives us the app."""
    ctx = click.get_current_context()
    app = ctx.meta.get("flask_app")
    if app is None:
        return contextlib.nullcontext()
    return app.test_request_context()


@click.group(short_help="Spreadsheet harvest sources of the SKPD (harvesters/*.yaml)")
def harvesters() -> None:
    """Harvest sources declared as code: one YAML file per SKPD, see harvesters/README.md."""


@harvesters.command()
@click.option("--dir", "folder", type=click.Path(exists=True, file_okay=False),
              help="Folder with <skpd>.yaml files (default: bandaaceh.harvest.sources_dir or harvesters/)")
@click.option("--dry-run", is_flag=True, help="Only print what would change")
def sync(folder: str | None, dry_run: bool) -> None:
    """Create or update the harvest source of each YAML file (idempotent)."""
    folder = folder or default_sources_dir()
    with _app_context():
        report = sync_sources(folder, dry_run=dry_run)
    prefix = "would be " if dry_run else ""
    for name in report.created:
        click.echo(f"  {prefix}created  {name}")
    for name, fields in report.updated:
        click.echo(f"  {prefix}updated  {name} ({', '.join(fields)})")
    for message in report.failed:
        click.secho(f"  FAILED   {message}", fg="red", err=True)
    for name in report.not_in_files:
        click.echo(f"  note     {name} has no file in {folder} (left as it is; "
                   f"`ckan harvester source remove {name}` deactivates it)")
    click.echo(f"{len(report.created)} created, {len(report.updated)} updated, "
               f"{len(report.unchanged)} unchanged, {len(report.failed_files)} failed ({folder})")
    if report.failed:
        sys.exit(1)


@harvesters.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
def run(sources: tuple[str, ...]) -> None:
    """Harvest SOURCE(s) now (default: every spreadsheet source) and print a summary.

    Runs in this process, not through the queue, so no consumer needs to be running.
    Exits with status 1 if any spreadsheet failed.
    """
    failed = False
    totals = {"added": 0, "updated": 0, "not modified": 0, "deleted": 0, "errored": 0}
    with _app_context():
        names = list(sources) or [s["name"] for s in our_sources()]
        if not names:
            click.echo("No spreadsheet harvest sources (run `ckan bandaaceh harvesters sync` first)")
            return
        for name in names:
            click.echo(f"{name}:")

            def progress(result: object) -> None:
                word = _STATUS_WORDS.get(result.status, result.status)
                line = f"  {word:<9} {result.guid}"
                click.secho(line, fg="red" if result.status == "errored" else None)
                for message in result.errors:
                    click.secho(f"            {message}", fg="red")

            try:
                report = run_source(name, progress=progress)
            except RunError as exc:
                click.secho(f"  skipped: {exc}", fg="yellow")
                continue
            except Exception as exc:  # an unknown source name and the like
                click.secho(f"  FAILED: {type(exc).__name__}: {exc}", fg="red")
                failed = True
                continue
            for message in report.gather_errors:
                click.secho(f"  gather error: {message}", fg="red")
            click.echo(f"  {report.summary()}")
            for status in totals:
                totals[status] += report.count(status)
            failed = failed or report.failed > 0 or bool(report.gather_errors)
    if len(names) > 1:
        click.echo(f"Total: {totals['added']} created, {totals['updated']} updated, "
                   f"{totals['not modified']} unchanged, {totals['deleted']} deleted, {totals['errored']} failed")
    if failed:
        sys.exit(1)


@harvesters.command("list")
def list_sources() -> None:
    """List the spreadsheet harvest sources with their last job."""
    with _app_context():
        for src in our_sources():
            status = tk.get_action("harvest_source_show_status")({"ignore_auth": True}, {"id": src["id"]})
            last = status.get("last_job") or {}
            stats = last.get("stats") or {}
            when = last.get("finished") or last.get("created") or "never"
            # also the private ones: datasets waiting for the walidata (Satu Data) are private
            total = tk.get_action("package_search")({"ignore_auth": True}, {
                "fq": f'harvest_source_id:"{src["id"]}"', "rows": 0, "include_private": True})["count"]
            click.echo(f"{src['name']:<32} {src.get('frequency', ''):<9} datasets={total:<4} "
                       f"last job: {last.get('status', '-')} {when} {stats}")


@harvesters.command()
@click.option("--dry-run", is_flag=True, help="Only list the stuck jobs")
def watchdog(dry_run: bool) -> None:
    """Abort harvest jobs stuck in "Running" (no activity for bandaaceh.harvest.stuck_after
    seconds, e.g. after a consumer was killed mid-job). Run it from the scheduler."""
    with _app_context():
        stuck = abort_stuck_jobs(dry_run=dry_run)
    for job in stuck:
        click.echo(f"  {'would abort' if dry_run else 'aborted'} job {job.job_id} of {job.source}: "
                   f"idle {job.idle}, {job.unfinished_objects} unfinished object(s)")
    click.echo(f"{len(stuck)} stuck job(s) {'would be aborted' if dry_run else 'aborted'} "
               f"(limit {stuck_after()})")


@harvesters.command()
@click.argument("name", type=click.Choice(sorted(CONSUMERS)))
def consumer(name: str) -> None:
    """Run ckanext-harvest's gather or fetch consumer, reconnecting when Redis restarts
    (instead of `ckan harvester gather-consumer` / `fetch-consumer`, which exit)."""
    consume_forever(name)
