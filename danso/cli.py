"""The `danso` command: demo, serve, load-units, and any Django management command."""

import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(
    help="danso: population and family-planning MIS",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danso.settings")
    import django

    django.setup()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _migrate() -> None:
    """Apply pending migrations with a progress bar (what `manage migrate` does, step by step)."""
    from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    if not plan:
        return
    with _progress() as progress:
        task = progress.add_task("Migrating the database", total=len(plan))

        def on_step(action, migration=None, fake=False):
            if action in ("apply_success", "unapply_success"):
                progress.advance(task)

        emit_pre_migrate_signal(0, False, connection.alias)
        executor.progress_callback = on_step
        executor.migrate(targets, plan=plan)
        emit_post_migrate_signal(0, False, connection.alias)


def _load_units() -> None:
    from danso.orgunits.loading import fixture_row_count, load_units

    with _progress() as progress:
        task = progress.add_task("Loading org units", total=fixture_row_count())

        def advance(label: str, n: int) -> None:
            progress.update(task, advance=n, description=f"Loading {label}")

        summary = load_units(advance)
    console.print(
        f"Org units: {summary.created} created, {summary.updated} updated, "
        f"{summary.links} crosswalk links."
    )


@app.command("load-units")
def load_units_command() -> None:
    """Create or update both administrative trees and the 2025 crosswalk (idempotent)."""
    _setup_django()
    _migrate()
    _load_units()


@app.command()
def demo(
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="serve the web UI after"),
    host: str = "127.0.0.1",
    port: int = 8000,
    people: int = typer.Option(20000, help="size of the generated population of Đắk Lắk"),
) -> None:
    """Migrate, load org units, create demo users and data, generate a population of the demo
    province (once), then serve the web UI."""
    _setup_django()
    from django.conf import settings

    from danso.demo import create_demo, create_province_figures

    console.print(f"Database: {settings.DATABASES['default']['NAME']}")
    _migrate()
    _load_units()
    logins = create_demo()
    from danso.register.models import Household

    if people and not Household.objects.filter(province_code="66").exists():
        summary = _generate("66", people, 5, 1)
        console.print(
            f"Generated {summary.persons:,} persons and {summary.events:,} events in "
            f"{summary.seconds:.1f} s ({summary.rows_per_second:,.0f} rows/s)."
        )
    create_province_figures()
    from danso.demo import _demo_commune
    from danso.fieldwork.demo import create_fieldwork_demo, create_move_demo

    if people:  # with the population, after it: the demo village holds only its own households
        create_fieldwork_demo(_demo_commune())
        create_move_demo(_demo_commune())
    if logins:
        table = Table(title="Demo logins (shown once; passwords are stored hashed)")
        for column in ("username", "password", "role", "unit"):
            table.add_column(column)
        for login in logins:
            table.add_row(login.username, login.password, login.role, login.unit)
        console.print(table)
    else:
        console.print(
            "Demo users already exist; their passwords were shown when they were created. "
            "Reset one with: danso manage changepassword <username>"
        )
    if serve_after:
        _serve(host, port)


def _check_port(host: str, port: int) -> None:
    """A busy or forbidden port is one plain line, not waitress's traceback."""
    import errno
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                reason = "is already in use (is danso already running?)"
            elif exc.errno == errno.EACCES:
                reason = "needs administrator rights"
            else:
                reason = f"cannot be used: {exc.strerror}"
            console.print(f"[red]Port {port} on {host} {reason}. Stop the other program or "
                          f"choose another port: --port {port + 1}[/red]")  # fmt: skip
            raise typer.Exit(1) from None


def _serve(host: str, port: int, worker: bool = True, workers: int = 1) -> None:
    """Serve the web UI, with a background worker for imports and long reports.

    One process (waitress, 8 threads) by default: it runs everywhere, Windows included, and
    suits SQLite, which takes one writer at a time. With `workers` > 1 (PostgreSQL, not on
    Windows) gunicorn runs that many processes, so requests are not held by one process's GIL.
    The worker stops with the server, whether it is stopped with Ctrl+C (SIGINT) or SIGTERM;
    it is started again if it dies, and it exits by itself if the server is killed.
    """
    import signal

    _check_port(host, port)

    from waitress import serve as waitress_serve

    from danso.wsgi import application

    # Python ends at once on SIGTERM, skipping `finally`, which would leave the worker running:
    # make it a normal exit, as Ctrl+C is (waitress stops on either).
    signal.signal(signal.SIGTERM, _exit_on_signal)
    supervisor = _Supervisor() if worker else None
    import threading

    from danso.web.warm import warm_up

    try:
        if supervisor:
            supervisor.start()
        console.print(f"Serving danso on http://{host}:{port}/  (Ctrl+C to stop)")
        # The first request does not pay for loading the code and templates: before forking
        # gunicorn's workers, beside waitress's first requests.
        if workers > 1:
            warm_up()
            _gunicorn(application, host, port, workers)
        else:
            threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
            waitress_serve(application, host=host, port=port, threads=8, ident="danso")
    finally:
        if supervisor:
            supervisor.stop()


class _Supervisor:
    """Keeps one background worker running: starts it, starts it again when it dies (after a
    pause that grows while it keeps dying), and every few seconds fails the jobs whose process
    is gone (danso/heartbeat.py)."""

    CHECK_EVERY, REAP_EVERY, MAX_PAUSE = 1.0, 10.0, 30.0

    def __init__(self):
        import threading

        self.stopping = threading.Event()
        self.process = None
        self.thread = threading.Thread(target=self._loop, name="worker-supervisor", daemon=True)

    def _spawn(self):
        import subprocess

        command = [sys.executable, "-m", "danso.worker", "db_worker",
                   "--no-startup-delay", "--interval", "0.5"]  # fmt: skip
        env = {**os.environ, "DANSO_PARENT_PID": str(os.getpid())}
        return subprocess.Popen(command, env=env)

    def start(self) -> None:
        self.process = self._spawn()
        self.thread.start()
        self.keeper = self._spawn_keeper()

    def _spawn_keeper(self):
        """The process that counts ahead for the pages (statistics/precompute.py)."""
        import subprocess

        from danso.statistics import precompute

        precompute.beat()  # pages wait for it from now on, rather than count themselves
        env = {**os.environ, "DANSO_PARENT_PID": str(os.getpid())}
        return subprocess.Popen([sys.executable, "-m", "danso.worker", "keep_counts"], env=env)

    def _loop(self) -> None:
        import time

        from django.db import connection

        pause, last_reap, started = 1.0, 0.0, time.monotonic()
        while not self.stopping.wait(self.CHECK_EVERY):
            code = self.process.poll()
            if code is not None:
                console.print(f"The background worker stopped (exit code {code}); "
                              "starting it again.")  # fmt: skip
                if self.stopping.wait(pause):
                    return
                pause = min(pause * 2, self.MAX_PAUSE)
                self.process, started = self._spawn(), time.monotonic()
            elif time.monotonic() - started > self.MAX_PAUSE:
                pause = 1.0  # it has stayed up a while: the next death restarts it at once
            if time.monotonic() - last_reap > self.REAP_EVERY:
                last_reap = time.monotonic()
                self._reap()
                connection.close()

    def _reap(self) -> None:
        from danso import heartbeat

        try:
            for job in heartbeat.reap():
                console.print(f"Job {job} had stopped with its process: marked failed.")
        except Exception as err:  # noqa: BLE001 - a failed check must not stop the supervising
            console.print(f"Checking the jobs failed: {err!r}")

    def stop(self) -> None:
        keeper = getattr(self, "keeper", None)
        if keeper and keeper.poll() is None:
            keeper.terminate()  # nothing of its to finish: its counts are written in transactions
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)
        if self.process and self.process.poll() is None:
            _stop(self.process)
        if keeper and keeper.poll() is None:
            _stop(keeper)


def _gunicorn(application, host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{host}:{port}", "workers": workers,
                               "worker_class": "gthread", "threads": 4, "timeout": 120,
                               "accesslog": None, "loglevel": "warning"}.items():  # fmt: skip
                self.cfg.set(key, value)

        def load(self):
            return application

    # Connections opened while starting (migrate) must not be shared by the forked workers.
    from django.db import connections

    connections.close_all()
    Server().run()


def _exit_on_signal(signum, frame) -> None:
    raise SystemExit(0)


def _stop(process) -> None:
    """Ask a child process to stop (it finishes its current job), kill it after 10 s."""
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@app.command()
def doctor() -> None:
    """Check the configuration, the database and the background worker; say what is wrong.
    Exits with 1 when something must be fixed."""
    _setup_django()
    from danso.doctor import FAIL, WARN, run_checks

    findings = run_checks()
    colour = {FAIL: "red", WARN: "yellow"}
    for f in findings:
        style = colour.get(f.status, "green")
        console.print(f"[{style}]{f.status:>8}[/{style}]  {f.area:<13} {f.message}")
    problems = sum(f.status == FAIL for f in findings)
    if problems:
        console.print(f"[red]{problems} problem(s) to fix.[/red]")
        raise typer.Exit(1)
    console.print("[green]danso is ready.[/green]")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    worker: bool = typer.Option(True, "--worker/--no-worker", help="run background jobs too"),
    workers: int = typer.Option(
        1, help="web processes: 1 = waitress (any system, SQLite); more = gunicorn (PostgreSQL)"
    ),
) -> None:
    """Serve the web UI and the API (waitress, or gunicorn with --workers; static files through
    WhiteNoise) and a worker for background jobs (imports)."""
    _setup_django()
    from django.conf import settings

    if workers > 1 and ("postgresql" not in settings.DATABASES["default"]["ENGINE"]
                        or sys.platform == "win32"):  # fmt: skip
        console.print("--workers above 1 needs PostgreSQL, not on Windows (SQLite: one process)")
        raise typer.Exit(2)
    _migrate()
    _serve(host, port, worker, workers)


@app.command()
def jobs() -> None:
    """List the jobs that are waiting or running; a running job whose process is gone (killed,
    crashed) is marked failed, as `danso serve` does every few seconds."""
    _setup_django()
    from danso import heartbeat

    for job in heartbeat.reap():
        console.print(f"marked failed (its process is gone): {job}")
    table = Table("kind", "id", "job", "status")
    for model in heartbeat.job_models():
        for job in model.objects.filter(status__in=["queued", "running"]):
            table.add_row(model._meta.model_name, str(job.pk), str(job), job.status)
    console.print(table)
    if not heartbeat.worker_alive():
        console.print("No background worker has reported in the last "
                      f"{heartbeat.stale_after():.0f} s: start `danso serve`.")  # fmt: skip


@app.command("import")
def import_file(
    kind: str = typer.Argument(
        ..., help="households, persons, events, datavalues or metadata (DHIS2)"
    ),
    path: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="CSV or XLSX file; for datavalues DHIS2 JSON, CSV or ADX",
    ),
    unit: str = typer.Option("", help="register files: the commune or village, e.g. C24211"),
    user: str = typer.Option("", help="username the import is recorded as"),
    accept: bool = typer.Option(False, help="accept the changes at once (officers)"),
    file_format: str = typer.Option(
        "", "--format", help="datavalues: json, csv or adx (default: by name)"
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="datavalues, metadata: check, change nothing"
    ),
    import_valid: bool = typer.Option(
        False, "--import-valid", help="datavalues: import the valid values, list the rest"
    ),
    id_scheme: str = typer.Option("code", "--id-scheme", help="datavalues: code or uid"),
) -> None:
    """Import a register file, all or nothing, reporting every rejected row; or aggregate
    data values from a DHIS2 file (dataValueSets JSON or CSV, ADX), the same way."""
    _setup_django()
    _migrate()
    if kind == "metadata":
        _import_metadata(path, user, dry_run)
        return
    if not user:
        raise typer.BadParameter("the username the import is recorded as", param_hint="--user")
    if kind == "datavalues":
        options = {"dry_run": dry_run, "import_valid": import_valid, "id_scheme": id_scheme}
        _import_data_values(path, user, file_format, options)
        return
    from danso.accounts.models import User
    from danso.accounts.scope import can_record, can_review, get_visible_unit_or_404
    from danso.exchange.jobs import run_job
    from danso.exchange.models import ImportJob

    if kind not in ("households", "persons", "events"):
        raise typer.BadParameter("households, persons, events or datavalues", param_hint="KIND")
    if not unit:
        raise typer.BadParameter("the commune or village to import into", param_hint="--unit")
    account = User.objects.get(username=user)
    target = get_visible_unit_or_404(account, unit)
    if not can_record(account, target.path) or (accept and not can_review(account, target.path)):
        console.print(f"{user} may not import into {target.name}")
        raise typer.Exit(2)
    job = ImportJob.objects.create(kind=kind, unit=target, ou_path=target.path,
                                   file_name=path.name, content=path.read_bytes(),
                                   accept=accept, created_by=account)  # fmt: skip
    with _progress() as progress:
        task = progress.add_task(f"Importing {path.name}", total=None)
        job = run_job(job, lambda done, total: progress.update(task, completed=done, total=total))
    if job.status == ImportJob.Status.DONE:
        console.print(f"Imported {job.created:,} rows.")
        return
    console.print(f"Nothing imported: {job.message or ''}")
    for error in job.errors:
        console.print(f"  row {error['index']}, column {error['field']}: {error['message']}")
    raise typer.Exit(1)


def _import_metadata(path: Path, username: str, dry_run: bool) -> None:
    """Without --user, the server's operator; with it, a national administrator."""
    from danso.accounts.models import User
    from danso.accounts.scope import is_national_administrator
    from danso.exchange.dhis2_metadata_import import import_metadata

    account = User.objects.get(username=username) if username else None
    if account is not None and not is_national_administrator(account):
        console.print(f"{username} is not a national administrator")
        raise typer.Exit(2)
    report = import_metadata(path.read_bytes(), account, dry_run=dry_run)
    totals = report.totals()
    verb = "Would import" if dry_run else "Imported"
    if report.status == "ERROR":
        console.print(f"Nothing imported: {len(report.problems)} problems.")
        for p in report.problems:
            where = f"{p.type}[{p.index}]" if p.index is not None else p.type or "file"
            console.print(f"  {where} {p.id} {p.field} {p.code}: {p.message}", markup=False)
        raise typer.Exit(1)
    console.print(f"{verb}: created {totals.created:,}, updated {totals.updated:,}, "
                  f"ignored {totals.ignored:,}.")  # fmt: skip
    for kind, stats in report.types.items():
        console.print(f"  {kind}: created {stats.created:,}, updated {stats.updated:,}, "
                      f"ignored {stats.ignored:,}")  # fmt: skip


def _import_data_values(path: Path, username: str, file_format: str, options: dict) -> None:
    from danso.accounts.models import User
    from danso.exchange.dhis2_formats import FORMATS, format_of
    from danso.exchange.dhis2_import import ID_SCHEMES, import_data_values

    fmt = file_format or format_of(path.name)
    if fmt not in FORMATS:
        raise typer.BadParameter("json, csv or adx", param_hint="--format")
    if options["id_scheme"] not in ID_SCHEMES:
        raise typer.BadParameter("code or uid", param_hint="--id-scheme")
    account = User.objects.get(username=username)
    if not account.can_edit:
        console.print(f"{username} may not import data")
        raise typer.Exit(2)
    with _progress() as progress:
        task = progress.add_task(f"Importing {path.name}", total=None)
        summary = import_data_values(
            path, fmt, account, **options,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )  # fmt: skip
    console.print(
        f"{summary.description} Imported {summary.imported:,}, updated {summary.updated:,}, "
        f"ignored {summary.ignored:,}, deleted {summary.deleted:,} of {summary.total:,} values."
    )
    for c in summary.conflicts:
        where = f"line {c.line}" if c.line else f"value {c.index}"
        console.print(f"  {where}, {c.field} {c.object}: {c.message}", markup=False)
    if summary.status == "ERROR":
        raise typer.Exit(1)


@app.command("export")
def export_command(
    kind: str = typer.Argument(
        ...,
        help="datavalues (aggregate data), form (a form's figures from the register) or "
        "metadata, in DHIS2's formats",
    ),
    data_set: list[str] = typer.Option(
        [], "--data-set", help="data set code (repeatable); for form: the form, e.g. 01-DSH"
    ),
    data_element: list[str] = typer.Option([], "--data-element", help="element (repeatable)"),
    period: list[str] = typer.Option([], "--period", help="DHIS2 period, e.g. 2025Q3"),
    unit: list[str] = typer.Option([], "--unit", help="org unit, e.g. C24211 (repeatable)"),
    children: bool = typer.Option(True, "--children/--no-children", help="with units below"),
    file_format: str = typer.Option("json", "--format", help="json, csv or adx"),
    include_activities: bool = typer.Option(
        False, "--include-activities", help="add figures counted from activities"
    ),
    id_scheme: str = typer.Option("code", "--id-scheme", help="code or uid"),
    user: str = typer.Option("", help="username whose area applies (default: everything)"),
    output: Path = typer.Option(..., help="the file to write"),
    forms: bool = typer.Option(False, "--forms", help="metadata: add the circular's forms"),
) -> None:
    """Write aggregate data values as a DHIS2 dataValueSet (JSON, CSV) or ADX message."""
    _setup_django()
    from danso.accounts.models import User
    from danso.exchange.dhis2_export import ExportError, ExportRequest, export_data_values
    from danso.exchange.dhis2_formats import FORMATS, write

    if kind == "metadata":
        import json

        from danso.exchange.dhis2_metadata import export_metadata

        document = export_metadata(forms=forms)
        output.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        console.print(f"Wrote the metadata ({len(document['dataSets'])} data sets, "
                      f"{len(document['organisationUnits']):,} org units) to {output}")  # fmt: skip
        return
    if kind == "form":
        _export_form(data_set, unit, period, file_format, id_scheme, user, output)
        return
    if kind != "datavalues":
        raise typer.BadParameter("datavalues, form or metadata", param_hint="KIND")
    if not period or not unit:
        raise typer.BadParameter("datavalues need --period and --unit", param_hint="--period")
    if file_format not in FORMATS:
        raise typer.BadParameter("json, csv or adx", param_hint="--format")
    request = ExportRequest(
        data_sets=data_set, data_elements=data_element, periods=period, org_units=unit,
        children=children, include_activities=include_activities, id_scheme=id_scheme,
    )  # fmt: skip
    account = User.objects.get(username=user) if user else None
    try:
        records = export_data_values(account, request)
    except ExportError as err:
        console.print(str(err), markup=False)
        raise typer.Exit(2) from err
    output.write_bytes(write(file_format, records, data_set[0] if len(data_set) == 1 else ""))
    console.print(f"Wrote {len(records):,} values to {output}")


def _export_form(forms, units, periods, file_format, id_scheme, user, output) -> None:
    """Tracker-to-aggregate: one form, unit and period (exchange/form_export.py)."""
    from danso.accounts.models import User
    from danso.exchange.dhis2_export import ExportError
    from danso.exchange.dhis2_formats import FORMATS
    from danso.exchange.form_export import export_form

    if len(forms) != 1 or len(units) != 1 or len(periods) != 1:
        raise typer.BadParameter("form needs one --data-set (the form), --unit and --period")
    if file_format not in FORMATS:
        raise typer.BadParameter("json, csv or adx", param_hint="--format")
    account = User.objects.get(username=user) if user else None
    try:
        data = export_form(account, forms[0], units[0], periods[0], file_format, id_scheme)
    except ExportError as err:
        console.print(str(err), markup=False)
        raise typer.Exit(2) from err
    output.write_bytes(data)
    console.print(f"Wrote {forms[0]} of {units[0]} for {periods[0]} to {output}")


@app.command("export-register")
def export_register_command(
    unit: str = typer.Option(..., help="identifier of a unit, e.g. P66 or C24211"),
    as_of: str = typer.Option("", help="date (YYYY-MM-DD), today by default"),
    output: Path = typer.Option(..., help="the XLSX file to write"),
) -> None:
    """Write a unit's register as it stood on a date to XLSX."""
    _setup_django()
    import datetime

    from danso.exchange.register_export import export_register
    from danso.orgunits.models import OrgUnit

    day = datetime.date.fromisoformat(as_of) if as_of else datetime.date.today()
    output.write_bytes(export_register(OrgUnit.objects.get(uid=unit), day))
    console.print(f"Wrote {output}")


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def manage(ctx: typer.Context) -> None:
    """Run any Django management command, e.g. `danso manage createsuperuser`."""
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["danso manage", *ctx.args])


@app.command()
def generate(
    province: str = typer.Option(..., help="GSO code of a current province, e.g. 66"),
    people: int = typer.Option(20000, help="persons at the start"),
    years: int = typer.Option(5, help="years of events up to the start of this month"),
    seed: int = typer.Option(1, help="the same seed gives the same population"),
) -> None:
    """Generate a realistic synthetic population as register events (see docs/register.md)."""
    _setup_django()
    _migrate()
    from danso.orgunits.models import OrgUnit

    if not OrgUnit.objects.filter(uid="VN").exists():
        _load_units()
    if not OrgUnit.objects.filter(uid=f"P{province}").exists():
        console.print(f"No current province with code {province} (e.g. 66 for Đắk Lắk).")
        raise typer.Exit(2)
    summary = _generate(province, people, years, seed)
    console.print(
        f"{summary.persons:,} persons in {summary.households:,} households and "
        f"{summary.villages:,} villages, {summary.events:,} events; {summary.rows:,} rows in "
        f"{summary.seconds:.1f} s = {summary.rows_per_second:,.0f} rows/s"
    )


def _generate(province: str, people: int, years: int, seed: int):
    from danso.register.generate import generate as run

    with _progress() as progress:
        tasks = {}

        def advance(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = progress.add_task(f"Generating: {label}", total=total)
            progress.update(tasks[label], completed=done, total=total)

        return run(province, people, years, seed, progress=advance)


def _kinds_help() -> str:
    from danso.narratives.catalogue import KIND_HELP

    return "; ".join(f"{code}: {text}" for code, text in KIND_HELP.items())


report_app = typer.Typer(help="Documents drafted from the data (docs/narratives.md).")
app.add_typer(report_app, name="report")


@report_app.command("narrative", help=f"Draft a narrative report as DOCX. Kinds: {_kinds_help()}.")
def report_narrative(
    kind: str = typer.Option(..., help="the kind of report (listed above)"),
    unit: str = typer.Option(..., help="identifier of the unit, e.g. P66-HKHHGD, C24211, LD646"),
    period: str = typer.Option("", help="2023, 2024S1, 2024Q2; an event: YYYY-MM-DD/YYYY-MM-DD"),
    activity: int = typer.Option(0, help="event report: the activity's id", min=0, max=2**31 - 1),
    user: str = typer.Option("", help="username whose area and permissions apply (default: all)"),
    output: Path = typer.Option(..., help="the DOCX file to write"),
    pdf: bool = typer.Option(False, "--pdf", help="also write a PDF beside it (LibreOffice)"),
) -> None:
    _setup_django()
    from django.http import Http404

    from danso.accounts.models import User
    from danso.accounts.scope import get_visible_unit_or_404
    from danso.narratives import drafting, drafts, render, templates
    from danso.orgunits.models import OrgUnit
    from danso.programmes.models import Activity

    account = User.objects.filter(username=user).first() if user else None
    if user and account is None:
        console.print(f"No user {user}")
        raise typer.Exit(2)
    try:
        target = (
            get_visible_unit_or_404(account, unit) if account else OrgUnit.objects.get(uid=unit)
        )
        event = Activity.objects.get(pk=activity) if activity else None
        if event is not None and account is not None and not drafts.can_view(account, target):
            raise Http404
        chosen = drafting.kind_of(kind)
        with _progress() as progress:
            task = progress.add_task("Drafting", total=None)
            request = drafting.make_request(
                chosen, target, period, event, account,
                lambda done, total: progress.update(task, completed=done, total=total),
            )  # fmt: skip
            content = drafting.gather(request)
    except (OrgUnit.DoesNotExist, Activity.DoesNotExist, Http404):
        console.print(f"No unit {unit} or activity {activity or ''} in your area", markup=False)
        raise typer.Exit(2) from None
    except drafting.DraftError as err:
        console.print(err.message, markup=False)
        raise typer.Exit(2) from err
    saved = drafts.find(chosen, target, drafting.period_key(request), event)
    template, _number = templates.template_bytes(chosen)
    data = render.docx(template, chosen, content, saved.texts if saved else {},
                       drafts.sensitive_ok(account))  # fmt: skip
    output.write_bytes(data)
    console.print(str(output), markup=False)
    if pdf:
        if render.libreoffice() is None:
            console.print("LibreOffice is not installed: no PDF written")
            raise typer.Exit(1)
        copy = output.with_suffix(".pdf")
        copy.write_bytes(render.pdf(data))
        console.print(str(copy), markup=False)


bench_app = typer.Typer(help="Benchmarks that print measured figures (docs/benchmarks.md).")
app.add_typer(bench_app, name="bench")


@bench_app.command("ingest")
def bench_ingest(
    rows: int = typer.Option(100000, help="rows of the persons file to import"),
    requests: int = typer.Option(3000, help="API event submissions"),
    concurrency: int = typer.Option(8, help="concurrent API clients"),
    workers: int = typer.Option(1, help="server processes (above 1: gunicorn, PostgreSQL)"),
) -> None:
    """Bulk import rows/s and API event submissions/s with p50/p99, on a bench database."""
    _setup_django()
    import subprocess

    from danso.bench.ingest import bench_database_url

    url = bench_database_url()
    env = {**os.environ, "DANSO_DATABASE_URL": url}
    console.print(f"Bench database: {url}")
    command = [sys.executable, "-m", "danso.cli", "bench", "ingest-run", "--rows", str(rows),
               "--requests", str(requests), "--concurrency", str(concurrency),
               "--workers", str(workers)]  # fmt: skip
    raise typer.Exit(subprocess.call(command, env=env))


@bench_app.command("ingest-run", hidden=True)
def bench_ingest_run(
    rows: int = 100000, requests: int = 3000, concurrency: int = 8, workers: int = 1
) -> None:
    _setup_django()
    _migrate()
    _load_units()
    from danso.bench.ingest import run

    figures = run(rows, requests, concurrency, print_=console.print, workers=workers)
    console.print_json(data=figures)


@bench_app.command("datavalues")
def bench_datavalues(
    values: int = typer.Option(100000, help="values in the generated dataValueSets file"),
) -> None:
    """DHIS2 dataValueSets import: values/s and peak memory, on a bench database."""
    _setup_django()
    import subprocess

    from danso.bench.ingest import bench_database_url

    url = bench_database_url()
    env = {**os.environ, "DANSO_DATABASE_URL": url}
    console.print(f"Bench database: {url}")
    command = [sys.executable, "-m", "danso.cli", "bench", "datavalues-run", "--values",
               str(values)]  # fmt: skip
    raise typer.Exit(subprocess.call(command, env=env))


@bench_app.command("datavalues-run", hidden=True)
def bench_datavalues_run(values: int = 100000) -> None:
    _setup_django()
    _migrate()
    _load_units()
    from danso.bench.datavalues import run

    console.print_json(data=run(values, print_=console.print))


@bench_app.command("reports")
def bench_reports(
    people: int = typer.Option(2000000, help="size of the generated province"),
    province: str = typer.Option("66", help="GSO code of the province to generate"),
) -> None:
    """01-DSH for a whole generated province, timed against a DuckDB query on Parquet."""
    _setup_django()
    import subprocess

    from danso.bench.reports import bench_database_url

    url, exists = bench_database_url(people)
    console.print(f"Bench database: {url} ({'reused' if exists else 'new'})")
    env = {**os.environ, "DANSO_DATABASE_URL": url}
    command = [sys.executable, "-m", "danso.cli", "bench", "reports-run", "--people",
               str(people), "--province", province]  # fmt: skip
    raise typer.Exit(subprocess.call(command, env=env))


def _bench_province(province: str, people: int) -> None:
    """The bench database of `bench reports` and `bench pages`: migrated, with the units, and
    the province generated unless it is there already."""
    _setup_django()
    _migrate()
    from danso.orgunits.models import OrgUnit
    from danso.register.models import Person

    if not OrgUnit.objects.filter(uid="VN").exists():
        _load_units()
    if not Person.objects.filter(province_code=province).exists():
        summary = _generate(province, people, 5, 1)
        console.print(f"Generated {summary.persons:,} persons in {summary.seconds:.0f} s.")


@bench_app.command("reports-run", hidden=True)
def bench_reports_run(people: int = 2000000, province: str = "66") -> None:
    _bench_province(province, people)
    from danso.bench.reports import run

    console.print_json(data=run(f"P{province}", print_=console.print))


@bench_app.command("analysis")
def bench_analysis(unit: str = typer.Option("P66", help="the province (or any unit)")) -> None:
    """Ad hoc tables (/api/v1/analytics) on this database: first time, again, after a change."""
    _setup_django()
    from danso.bench.analysis import run

    console.print_json(data=run(unit, print_=console.print))


@bench_app.command("pages")
def bench_pages(
    people: int = typer.Option(2000000, help="size of the generated province (bench reports')"),
    province: str = typer.Option("66", help="GSO code of the province to generate"),
    repeat: int = typer.Option(30, help="views of each page for p50/p95"),
    port: int = typer.Option(0, help="the server's port (0: a free one)"),
) -> None:
    """The province's dashboard and 01-DSH page through a real server, restarted: first view
    and p95, on the bench database of `danso bench reports`."""
    _setup_django()
    import subprocess

    from danso.bench.reports import bench_database_url

    url, exists = bench_database_url(people)
    console.print(f"Bench database: {url} ({'reused' if exists else 'new'})")
    env = {**os.environ, "DANSO_DATABASE_URL": url}
    command = [sys.executable, "-m", "danso.cli", "bench", "pages-run", "--people", str(people),
               "--province", province, "--repeat", str(repeat), "--port", str(port)]  # fmt: skip
    raise typer.Exit(subprocess.call(command, env=env))


@bench_app.command("pages-run", hidden=True)
def bench_pages_run(
    people: int = 2000000, province: str = "66", repeat: int = 30, port: int = 0
) -> None:
    _bench_province(province, people)
    from danso.bench.pages import run

    console.print_json(data=run(f"P{province}", repeat, print_=console.print, port=port))


@bench_app.command("national")
def bench_national(
    people: int = typer.Option(10_000_000, help="persons at the start, over all provinces"),
    per_province: int = typer.Option(500_000, help="persons at the start of each province"),
    steps: str = typer.Option("1000000,2000000", help="also measure when the total passes"),
    years: int = typer.Option(5, help="years of events"),
) -> None:
    """A national register partitioned by province (PostgreSQL): national and province 01-DSH
    timed at each step, with a concurrent writer; resumable (docs/benchmarks.md)."""
    _setup_django()
    import subprocess

    from django.db import connection

    if connection.vendor != "postgresql":
        console.print("danso bench national needs PostgreSQL (set DANSO_DATABASE_URL).")
        raise typer.Exit(2)
    from danso.bench.national import bench_database_url

    url = bench_database_url()
    console.print(f"Bench database: {url}")
    env = {**os.environ, "DANSO_DATABASE_URL": url}
    command = [sys.executable, "-m", "danso.cli", "bench", "national-run", "--people",
               str(people), "--per-province", str(per_province), "--steps", steps,
               "--years", str(years)]  # fmt: skip
    raise typer.Exit(subprocess.call(command, env=env))


@bench_app.command("national-run", hidden=True)
def bench_national_run(
    people: int = 10_000_000, per_province: int = 500_000, steps: str = "", years: int = 5
) -> None:
    _setup_django()
    _migrate()
    from danso.orgunits.models import OrgUnit

    if not OrgUnit.objects.filter(uid="VN").exists():
        _load_units()
    from danso.bench.national import run

    wanted = [int(s) for s in steps.split(",") if s.strip()]
    result = run(people, per_province, wanted, years, print_=print)
    console.print_json(data=result)


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
