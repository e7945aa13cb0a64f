"""The `tutor` command: serve the app, migrate the database, check the content bank, load demo data."""
from __future__ import annotations

import os
import sys

import click


def _app(**overrides):
    from content import ContentError

    from . import create_app
    from .config import from_environment

    try:
        return create_app({**from_environment(), **overrides})
    except ContentError as exc:
        click.echo(f"The content bank has {len(exc.issues)} problem(s); the tutor will not start:", err=True)
        click.echo(str(exc), err=True)
        sys.exit(2)


def _database_url() -> str:
    from flask import Flask

    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{Flask('tutor').instance_path}/tutor.db"


@click.group(help="The neural-network tutor.")
def main() -> None:
    pass


@main.group(help="Database commands.")
def db() -> None:
    pass


@db.command("upgrade", help="Migrate the database (DATABASE_URL, or the SQLite file under instance/) to the newest schema.")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    from .db import upgrade_database

    url = _database_url()
    try:
        upgrade_database(url, revision)
    except Exception as exc:
        raise click.ClickException(f"Migration failed: {exc}") from exc
    click.echo(f"Database is at revision {revision}.")


@main.group(help="Content bank commands.")
def content() -> None:
    pass


@content.command("check", help="Validate every content file; list every problem with its file and field.")
@click.option("--root", type=click.Path(file_okay=False), default=None, help="Content folder (default: the bundled bank).")
def content_check(root: str | None) -> None:
    from content import check, summary

    issues = check(root)
    if issues:
        for issue in issues:
            click.echo(str(issue), err=True)
        click.echo(f"{len(issues)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(f"Content bank is valid: {summary(root)}")


@main.command(help="Create the demo family and demo class (safe to run again).")
def demo() -> None:
    from .db import upgrade_database

    upgrade_database(_database_url())
    app = _app(DATABASE_URL=_database_url())
    with app.app_context():
        from .db import get_db
        from .services.demo import load_demo

        for who, how in load_demo(get_db()).items():
            click.echo(f"demo {who}: {how}")


@main.group(help="Guest profiles.")
def guests() -> None:
    pass


@guests.command("prune", help="Delete guests nobody claimed that stored nothing for IDLE_DAYS days, with everything "
                               "they stored. Run it daily (cron or a scheduler).")
@click.option("--idle-days", default=90, show_default=True, type=click.IntRange(min=31),
              help="At least 31: a guest's browser session lasts 30 days after their last visit.")
@click.option("--dry-run", is_flag=True, help="Only count them.")
def guests_prune(idle_days: int, dry_run: bool) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from .db import get_db
    from .services.retention import prune_guests

    app = _app(DATABASE_URL=_database_url())
    try:
        with app.app_context():
            count = prune_guests(get_db(), idle_days, dry_run=dry_run)
    except SQLAlchemyError as exc:
        raise click.ClickException(f"The database could not be read ({type(exc).__name__}: "
                                   f"{str(getattr(exc, 'orig', exc)).splitlines()[0]}). Is DATABASE_URL right, and "
                                   "has `tutor db upgrade` been run?") from exc
    click.echo(f"{count} guest(s) idle for {idle_days} days or more " + ("would be deleted." if dry_run else "deleted."))


@main.command(help="Migrate, check content, load demo data and serve at http://127.0.0.1:5000.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--prod", is_flag=True, help="Serve with gunicorn (several workers) instead of the development server.")
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=1, show_default=True, type=click.IntRange(min=1),
              help="Request threads per gunicorn worker. One (the inline worker) is quickest on a 2-core machine "
                   "(bench/README.md); more (gthread) only help when requests wait on a remote database.")
@click.option("--demo/--no-demo", default=None,
              help="Create the demo family and class (default: yes for the development server, no with --prod).")
def serve(host: str, port: int, prod: bool, workers: int, threads: int, demo: bool | None) -> None:
    from .db import get_db, upgrade_database
    from .services.demo import load_demo

    url = _database_url()
    upgrade_database(url)
    overrides = {"DATABASE_URL": url}
    if not prod:
        overrides["ALLOW_INSECURE_COOKIES"] = True  # the development server speaks plain http on loopback
    app = _app(**overrides)
    if demo if demo is not None else not prod:
        with app.app_context():
            for who, how in load_demo(get_db()).items():
                click.echo(f"demo {who}: {how}")
    if prod:
        os.environ["DATABASE_URL"] = url
        # One request at a time per worker on a 2-core machine: the inline worker keeps client connections open
        # like gthread, without handing each request to a pool thread (tutor/serving.py, bench/README.md). More
        # threads only help when requests wait on a remote database.
        # tutor.gunicorn_config: that worker, the quick access log, and the app loaded and warmed once in the master.
        worker = [] if threads == 1 else ["--worker-class", "gthread", "--threads", str(threads)]
        os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "--config", "python:tutor.gunicorn_config",
                                   "--workers", str(workers), *worker, "--bind", f"{host}:{port}",
                                   "--access-logfile", "-", "tutor:create_app()"])
    click.echo(f"Serving the tutor at http://{host}:{port}/  (Ctrl+C to stop)")
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


def _register_areas() -> None:
    from . import cli_chat

    cli_chat.register(main)


_register_areas()

if __name__ == "__main__":
    main()
