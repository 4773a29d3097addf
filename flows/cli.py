"""`wirehouse`: run the ingest flow, query the warehouse, write the quality report."""

from __future__ import annotations

import inspect
import json
import logging
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from typer.core import TyperArgument, TyperCommand, TyperGroup

from flows.errors import (
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_STORAGE,
    EXIT_USAGE,
    UsageError,
    storage_cause,
    unexpected,
)
from flows.progress import shown, stop_display
from flows.settings import Settings, SettingsInvalid, load_settings
from transforms.times import parse_time


def _plain_help(command: Any, ctx: Any) -> None:
    """Help as a user reads it, set up once per command: each option's value named in capitals
    (DIR, N, SECONDS, table|csv|json) or nothing for a flag, never a Python type such as <bool>
    or <list[Path]>; arguments as PATHS... (not {paths}...) in the usage line; each docstring
    paragraph on one line (Typer keeps the line breaks of a command's summary)."""
    if getattr(command, "_plain_help", False):
        return
    command._plain_help = True
    for described in [command, *getattr(command, "commands", {}).values()]:
        if described.help:
            described.help = _paragraphs(described.help)
    help_option = command.get_help_option(ctx)
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        kind = getattr(param, "type_descriptor", None)
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            label = ""
        elif param.metavar is not None:
            label = param.metavar
        elif kind is not None and kind.is_choice and kind.choices:
            label = "|".join(str(getattr(c, "value", c)) for c in kind.choices)
        else:
            label = (param.name or "value").upper()
        if isinstance(param, TyperArgument):
            param.metavar = label + ("..." if param.nargs != 1 else "")
            setattr(param, "_usage_display_name", lambda metavar=param.metavar: metavar)  # noqa: B010
            label = ""  # the name column says it
        # Typer's help table shows display_type_rich() in its type column.
        setattr(param, "display_type_rich", lambda ctx, label=label: label)  # noqa: B010


def _paragraphs(text: str) -> str:
    """A docstring's paragraphs, each on one line (its single line breaks joined)."""
    blocks = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in block.splitlines()) for block in blocks)


class Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        _plain_help(self, ctx)
        return super().get_params(ctx)


class Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        _plain_help(self, ctx)
        return super().get_params(ctx)


app = typer.Typer(
    cls=Group,
    help="Wirehouse: a news-article warehouse. Raw dumps in; audited articles, entities and quotes out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _console(stderr: bool = False) -> Console:
    """A console where nothing printed is read as Rich markup or :emoji: codes (values from the
    data, the user or the file system are printed as they are; the few styled words are Text
    styles) and no printed line is broken (soft wrap: a terminal wraps long lines itself, a
    file keeps them whole, paths included). Off a terminal the layout width (tables) is
    $COLUMNS, else PIPE_WIDTH, not Rich's 80."""
    console = Console(stderr=stderr, markup=False, emoji=False, soft_wrap=True)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = PIPE_WIDTH
    return console


PIPE_WIDTH = 160  # layout width (tables) off a terminal without $COLUMNS
UNBOUNDED = 1_000_000  # a width nothing reaches: a table's natural width is measured within it
out = _console()
err = _console(stderr=True)

SHOW_CHARS = 400  # longest value `quarantine show` prints in full
WAREHOUSE_HELP = "Warehouse directory (env WIREHOUSE_DIR; default ./wirehouse-data in the current directory)."
# A CSV cell beginning with one of these is run as a formula by spreadsheets (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.callback()
def _start() -> None:
    """Every command starts here, before Prefect is imported anywhere."""
    from flows.prefect_env import apply_quiet_defaults

    apply_quiet_defaults()
    # What the warehouse has to tell while it works (waiting for a reader, a batch left staged):
    # one plain line each on stderr.
    notes = logging.getLogger("wirehouse")
    if not notes.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("note: %(message)s"))
        notes.addHandler(handler)
        notes.setLevel(logging.INFO)
        notes.propagate = False


def _settings(warehouse: Path | None, lake: str | None = None) -> Settings:
    """The settings from the environment, with the options given; a setting that is unknown
    or does not fit ends the command with one `error:` line (exit 2)."""
    try:
        settings = load_settings()
    except SettingsInvalid as exc:
        _fail(str(exc))
    if warehouse is not None:
        settings = settings.model_copy(update={"dir": warehouse})
    if lake is not None:
        settings = settings.model_copy(update={"lake": lake})
    return settings


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _usage_errors() -> tuple[type[BaseException], ...]:
    """Problems the user fixes with other arguments, settings or installs (exit 2)."""
    from flows.prefect_env import ApiServerError, PrefectApiUnavailable
    from transforms.nlp import ModelNotInstalled
    from warehouse.store import WarehouseError

    return (
        WarehouseError,
        FileNotFoundError,
        ModelNotInstalled,
        ApiServerError,
        PrefectApiUnavailable,
        UsageError,
    )


@contextmanager
def _reported(settings: Settings | None = None) -> Iterator[None]:
    """A command's failures as one `error:` line and an exit code (flows.errors): system trouble
    (disk full, permissions) by its root cause, usage problems by their message, Ctrl-C as an
    interruption, anything else as a bug with its traceback written to a file."""
    try:
        yield
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        _fail(INTERRUPTED, EXIT_INTERRUPTED)
    except Exception as exc:
        cause = storage_cause(exc)
        if cause is not None:
            where = f" (warehouse {settings.warehouse_dir})" if settings and not cause.endswith(")") else ""
            _fail(cause + where, EXIT_STORAGE)
        if isinstance(exc, _usage_errors()):
            _fail(str(exc), EXIT_USAGE)
        _fail(unexpected(exc, settings.warehouse_dir / "logs" if settings else None), EXIT_BUG)


INTERRUPTED = "interrupted: batches published so far stay published; the next run finishes the rest"


def _stop_at_once_on_interrupt() -> None:
    """Ctrl-C or SIGTERM during a run: one line, the Prefect run marked cancelled, and the process
    ends within a second or two. Nothing is lost by stopping anywhere: a batch is published in
    one commit, and the next run finishes what this one left (warehouse.store.recover_staging)
    and records this run as interrupted. Waiting instead for the batch in flight would take as
    long as its NLP stage."""
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)


def _interrupted(signum, frame=None) -> None:
    """The run in flight stopped at once: one line, its Prefect run marked cancelled, the process
    ends (see _stop_at_once_on_interrupt)."""
    stop_display()  # the terminal's cursor back, the display's last state kept
    err.print(Text.assemble(("error:", "bold red"), " ", INTERRUPTED), highlight=False, soft_wrap=True)
    from flows.runner import cancel_current_flow_run

    cancel_current_flow_run(f"interrupted by {signal.Signals(signum).name}", timeout_seconds=3)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


@app.command(cls=Command)
def run(
    paths: list[Path] = typer.Argument(
        ..., help="Files and folders to ingest (folders are read recursively)."
    ),
    warehouse: Path | None = typer.Option(None, "--warehouse", "-w", metavar="DIR", help=WAREHOUSE_HELP),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        metavar="N",
        help="Process batches on a local Dask cluster of N worker processes.",
    ),
    dask_address: str | None = typer.Option(
        None,
        "--dask-address",
        metavar="URL",
        help="Process batches on an existing Dask cluster, e.g. tcp://10.0.0.5:8786.",
    ),
    lake: str | None = typer.Option(
        None,
        "--lake",
        metavar="URL",
        help="Stage and archive batches here: a folder or fsspec URL (s3://bucket/wh, "
        "file:///mnt/shared/wh) that every Dask worker reaches. Default: the warehouse directory.",
    ),
    allow: list[str] = typer.Option(
        [],
        "--allow",
        help="Web archives: take only responses whose URL matches this pattern (repeatable): a "
        "domain and its subdomains (example.com, *.gov) or, with a /, the whole URL "
        "(*://*/politics/*). Env WIREHOUSE_WARC_ALLOW.",
    ),
    deny: list[str] = typer.Option(
        [],
        "--deny",
        help="Web archives: skip responses whose URL matches this pattern (repeatable; as --allow, "
        "and it wins over --allow). Env WIREHOUSE_WARC_DENY.",
    ),
    warc_from: str | None = typer.Option(
        None,
        "--from",
        help="Web archives: skip responses crawled (WARC-Date) before this ISO 8601 date or time "
        "(2026-11-01 is its midnight; without an offset, UTC). Env WIREHOUSE_WARC_FROM.",
    ),
    warc_to: str | None = typer.Option(
        None,
        "--to",
        help="Web archives: skip responses crawled at or after this date or time. Env WIREHOUSE_WARC_TO.",
    ),
) -> None:
    """Ingest dumps (.txt page copies, .html/.htm, .jsonl/.json, any of them .gz; web archives
    .warc/.warc.gz), audit, publish.

    Exits 0 when the run completed, also when articles were quarantined or files rejected.
    """
    settings = _settings(warehouse, lake)
    filters: dict[str, object] = {}
    if allow:
        filters["warc_allow"] = allow
    if deny:
        filters["warc_deny"] = deny
    for option, key, value in (("--from", "warc_from", warc_from), ("--to", "warc_to", warc_to)):
        if value is not None:
            filters[key] = parse_time(value)
            if filters[key] is None:
                _fail(
                    f"{option} takes an ISO 8601 date or time (2026-11-01, 2026-11-01T08:00Z), not {value!r}"
                )
    settings = settings.model_copy(update=filters)
    missing = [str(p) for p in paths if not os.path.lexists(p)]  # a broken link is rejected, not missing
    if missing:
        _fail(f"no such file or folder: {missing[0]}")
    with _reported(settings):
        from flows.summary import unchanged_run
        from warehouse.store import Warehouse

        # Nothing new under PATHS: answered from the ledger, without Prefect, spaCy or GX.
        summary, to_read = unchanged_run([str(p) for p in paths], settings)
        if summary is None:
            from flows.prefect_env import startup_timeout, temporary_api
            from transforms.nlp import require_model

            require_model(settings.spacy_model)  # fail fast, before Prefect starts
            with shown(err), temporary_api() as api, ExitStack() as cluster:  # the server boots meanwhile
                if workers <= 1 and not dask_address:
                    from flows import auditor, parser
                    from flows.warm import warm_in_background

                    # The parser process loads the model, then reads and parses the new files
                    # ahead of the run; GX loads in this process, beside the server's boot, or
                    # against a running API in the auditor process.
                    parser.start(settings.spacy_model)
                    parser.give_way(settings.parser_first, [api.process.pid] if api.process else [])
                    if api.process is None:  # a running API: nothing to wait for (flows.auditor)
                        auditor.start()
                    parser.read_ahead(to_read, settings, Warehouse.from_settings(settings))
                    warm_in_background(settings)
                elif not dask_address:
                    from flows.warm import start_local_cluster

                    # The workers start (and warm up) now, beside the server's boot.
                    dask_address = cluster.enter_context(start_local_cluster(workers)).scheduler_address
                from flows.runner import run_ingest  # imports Prefect: only when needed

                api.wait(startup_timeout())
                _stop_at_once_on_interrupt()
                summary = run_ingest(
                    [str(p) for p in paths], settings, workers=workers, dask_address=dask_address
                )
        _print_summary(summary, settings)


@app.command("reprocess", cls=Command)
def reprocess_command(
    since: str | None = typer.Option(
        None,
        "--since",
        metavar="DATE",
        help="Only files ingested by runs started on or after this date or time: ISO 8601, e.g. "
        "2026-11-01 (its midnight), 2026-11-01T08:00 or 2026-11-01T08:00+01:00; without an offset, UTC.",
    ),
    all_files: bool = typer.Option(False, "--all", help="Every stored file."),
    warehouse: Path | None = typer.Option(None, "--warehouse", "-w", metavar="DIR", help=WAREHOUSE_HELP),
) -> None:
    """Re-run clean -> publish from the stored raw documents after a rule or model upgrade; new rows
    (stamped with the current pipeline_version) replace the old ones atomically, batch by batch."""
    if all_files == (since is not None):
        _fail("give exactly one of --since DATE or --all")
    since_time = None if since is None else parse_time(since)
    if since is not None and since_time is None:
        _fail(
            f"--since takes an ISO 8601 date or time (2026-11-01, 2026-11-01T08:00, "
            f"2026-11-01T08:00+01:00), not {since!r}"
        )
    settings = _settings(warehouse)
    with _reported(settings):
        from flows import auditor, parser
        from flows.prefect_env import configured_api_url
        from transforms.nlp import require_model
        from warehouse.store import Warehouse

        if not Warehouse.from_settings(settings).db_path.exists():
            _fail(f"no warehouse at {settings.warehouse_dir} (run `wirehouse run PATH` first)")
        require_model(settings.spacy_model)  # fail fast, before Prefect starts
        parser.start(settings.spacy_model)  # it loads the model while Prefect starts
        parser.give_way(settings.parser_first)  # Prefect's temporary server, started next, too
        if configured_api_url():  # a running API: nothing to wait for (flows.auditor)
            auditor.start()
        from flows.runner import run_reprocess

        _stop_at_once_on_interrupt()
        with shown(err):
            summary = run_reprocess(settings, since_time)
        _print_summary(summary, settings)


@app.command(cls=Command)
def serve(
    landing: Path = typer.Argument(..., help="Landing folder a scraper drops dumps into (read recursively)."),
    cron: str | None = typer.Option(
        None, "--cron", metavar="CRON", help='Run on this cron schedule (five fields), e.g. "*/15 * * * *".'
    ),
    interval: float | None = typer.Option(
        None, "--interval", metavar="SECONDS", help="Run every this many seconds (above 0)."
    ),
    warehouse: Path | None = typer.Option(None, "--warehouse", "-w", metavar="DIR", help=WAREHOUSE_HELP),
) -> None:
    """Ingest LANDING on a schedule, given by exactly one of --cron or --interval: registers the
    Prefect deployment `wirehouse-ingest/wirehouse-landing` and serves it until stopped (needs a
    Prefect API: PREFECT_API_URL). Prints a line as each scheduled run finishes."""
    if (cron is None) == (interval is None):
        _fail("give exactly one of --cron or --interval")
    if not landing.is_dir():
        _fail(f"no such folder: {landing}")
    settings = _settings(warehouse)
    with _reported(settings):
        from flows.prefect_env import check_schedule

        schedule = check_schedule(interval, cron)
        from flows.runner import serve_ingest
        from transforms.nlp import require_model

        require_model(settings.spacy_model)  # one line, before anything says "serving"
        busy = False

        def running(now: bool) -> None:
            nonlocal busy
            busy = now

        def stop(signum, frame) -> None:
            if busy:  # a run in flight: told and cancelled as `run` does, then the process ends
                _interrupted(signum)
            out.print("stopped serving", highlight=False)
            sys.stdout.flush()
            os._exit(0)

        def ready() -> None:
            out.print(
                f"serving wirehouse-ingest/wirehouse-landing: {landing.resolve()} -> "
                f"{settings.warehouse_dir} ({schedule}); stop with Ctrl-C or SIGTERM",
                highlight=False,
            )
            signal.signal(signal.SIGINT, stop)
            signal.signal(signal.SIGTERM, stop)

        serve_ingest(str(landing.resolve()), settings, interval, cron, ready, running)


def _print_summary(summary, settings: Settings) -> None:
    from warehouse.speakers import top_speakers
    from warehouse.store import Warehouse

    wh = Warehouse.from_settings(settings)
    quotes = wh.query(
        "SELECT count(*) AS n FROM quotes q JOIN articles a USING (article_id) WHERE a.run_id = ?",
        [summary.run_id],
    )["n"].iloc[0]
    speakers = top_speakers(wh, summary.run_id, settings.top_speakers)
    out.print(
        Text.assemble((f"Wirehouse run {summary.run_id}", "bold"), f" into {summary.warehouse}"),
        highlight=False,
    )
    out.print(
        f"  files seen:            {summary.files_seen}"
        + (f" ({summary.already_ingested} already ingested, skipped)" if summary.already_ingested else "")
    )
    out.print(f"  articles published:    {summary.published_articles}")
    out.print(f"  articles quarantined:  {summary.quarantined_articles}")
    for rule, n in sorted(summary.quarantine_reasons.items()):
        out.print(f"      {n} × {rule}", highlight=False)
    if summary.superseded:
        out.print(f"  versions replaced:     {summary.superseded} (the older ones kept in history.articles)")
    if summary.copies:
        out.print(f"  copies found:          {summary.copies} (not published again; listed in copies)")
    out.print(f"  duplicate files:       {summary.duplicate_files}")
    out.print(f"  files rejected:        {len(summary.rejected_files)}")
    for path, reason in sorted(summary.rejected_files.items()):
        out.print(f"      {path}: {reason}", highlight=False)
    if summary.warc_records:
        skipped = summary.skipped_records
        out.print(
            f"  WARC records read:     {summary.warc_records} ({sum(skipped.values())} skipped, not articles)"
        )
        for reason, n in skipped.items():
            out.print(f"      {n} × {reason}", highlight=False)
        for path, errors in sorted(summary.warc_errors.items()):
            out.print(f"      damaged: {path}: {errors}", highlight=False)
    if summary.deferred_batches:
        out.print(
            f"  batches left staged:   {len(summary.deferred_batches)} (readers held the warehouse; "
            "the next run publishes them without analysing them again)",
            highlight=False,
        )
    out.print(f"  quotes published:      {quotes}")
    if summary.quarantined_quotes:
        out.print(
            f"  quotes held:           {summary.quarantined_quotes} (their articles published; "
            "`wirehouse quarantine list` shows them)",
            highlight=False,
        )
    if len(speakers):
        out.print(
            "  top speakers:          "
            + ", ".join(f"{row.speaker} ({row.quotes})" for row in speakers.itertuples()),
            highlight=False,
        )
    out.print(f"  quality report:        {summary.report_path}", highlight=False, soft_wrap=True)


@app.command(cls=Command)
def sql(
    query: str = typer.Argument(
        ..., help='SQL to run, e.g. "select speaker, count(*) from quotes group by 1".'
    ),
    warehouse: Path | None = typer.Option(None, "--warehouse", "-w", metavar="DIR", help=WAREHOUSE_HELP),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
    excel_safe: bool = typer.Option(
        False,
        "--excel-safe",
        help="With --format csv: prefix text cells beginning with = + - @ tab or carriage return "
        "with a ' so a spreadsheet does not run them as formulas (default: cells exactly as stored).",
    ),
    allow_local_files: bool = typer.Option(
        False,
        "--allow-local-files",
        help="Let the query read local files too (read_csv, read_parquet, glob); "
        "it still cannot write anywhere.",
    ),
) -> None:
    """Query the published warehouse: one read-only statement (SELECT, WITH, DESCRIBE, SHOW,
    SUMMARIZE, EXPLAIN, read-only PRAGMAs) on a read-only DuckDB connection that reaches no other
    file. Statements that write, attach, copy, export, import, load or change settings are refused."""
    import duckdb

    from warehouse.store import Warehouse

    if excel_safe and format is not OutputFormat.csv:
        _fail("--excel-safe applies to --format csv only")
    settings = _settings(warehouse)
    with _reported():
        try:
            frame = Warehouse.from_settings(settings).user_query(
                query, allow_local_files, as_text=format is OutputFormat.table
            )
        except duckdb.Error as exc:
            # DuckDB's whole message: its "Did you mean ...", candidate bindings, and the query
            # line with a caret under the place it stopped.
            message = str(exc).rstrip() or type(exc).__name__
            if isinstance(exc, duckdb.PermissionException) and not allow_local_files:
                message += " (reading local files needs --allow-local-files)"
            _fail(message)
    frame = _iso_times(frame)
    if format is OutputFormat.csv:
        sys.stdout.write((_excel_safe(frame) if excel_safe else frame).to_csv(index=False))
    elif format is OutputFormat.json:
        sys.stdout.write(
            json.dumps(
                json.loads(frame.to_json(orient="records", date_format="iso")), ensure_ascii=False, indent=2
            )
            + "\n"
        )
    else:
        _print_frame(frame, null="NULL")


def _iso_times(frame):
    """The frame with its time columns (TIMESTAMPTZ: UTC) as ISO 8601 text to the microsecond,
    e.g. 2026-11-01T08:00:00+00:00; a missing time as None (an empty CSV cell, JSON null)."""
    import pandas as pd

    times = [name for name, dtype in frame.dtypes.items() if isinstance(dtype, pd.DatetimeTZDtype)]
    if not times:
        return frame
    frame = frame.copy()
    for name in times:
        frame[name] = pd.Series(
            [_cell(v) or None for v in frame[name]], index=frame.index, dtype=object, name=name
        )
    return frame


def _excel_safe(frame):
    """The frame with each text cell (and column name) that begins with a FORMULA_STARTS
    character prefixed with a single quote; other cells as they are."""

    def safe(value):
        return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value

    return frame.map(safe).rename(columns=safe)


def _cell(value) -> str:
    """A value as printed: nothing for a missing one (None, NaN, NaT), a time in ISO 8601."""
    if value is None or (isinstance(value, float | datetime) and value != value):  # NaN, NaT
        return ""
    if isinstance(value, datetime):  # pandas' Timestamp is one too
        return value.isoformat()
    return str(value)


def _print_frame(frame, null: str = "") -> None:
    """A frame with its row count: as a table when the table fits the console's width with
    each cell on one line, else one record after another, a column a line (as psql's expanded
    display), so a wide result never folds into columns a few characters wide. Names and cells are
    plain Text; a missing value prints as `null`, a value longer than SHOW_CHARS is cut there."""
    names = [str(name) for name in frame.columns]
    rows = [[_shown(v, null) for v in row] for row in frame.itertuples(index=False)]
    table = Table(show_lines=False)
    for name in names:
        table.add_column(Text(name), overflow="fold")
    for row in rows:
        table.add_row(*[Text(cell) for cell in row])
    natural = Measurement.get(out, out.options.update_width(UNBOUNDED), table).maximum
    if natural <= out.width and not any("\n" in cell for row in rows for cell in row):
        out.print(table)
    else:
        width = max(len(name) for name in names)
        for number, row in enumerate(rows, start=1):
            out.print(Text(f"-[ row {number} ]" + "-" * max(0, width - 6), style="bold"), highlight=False)
            for name, cell in zip(names, row, strict=True):
                lines = cell.split("\n") or [""]
                out.print(f"{name.ljust(width)} | {lines[0]}", highlight=False)
                for line in lines[1:]:
                    out.print(f"{'':{width}} | {line}", highlight=False)
    out.print(f"{len(frame)} row{'s' if len(frame) != 1 else ''}", style="dim")


def _shown(value, null: str) -> str:
    """A cell as printed: `null` for a missing value, a long value cut at SHOW_CHARS."""
    import pandas as pd

    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):  # None, NaN, NaT, NA
        return null
    text = _cell(value)
    return text[:SHOW_CHARS] + f"… ({len(text)} chars)" if len(text) > SHOW_CHARS else text


@app.command(cls=Command)
def report(
    warehouse: Path | None = typer.Option(None, "--warehouse", "-w", metavar="DIR", help=WAREHOUSE_HELP),
    open_: bool = typer.Option(
        False,
        "--open",
        help="Then open it in your web browser (the one the BROWSER variable names, else the "
        "system's default); says so when there is none.",
    ),
) -> None:
    """(Re)write the HTML quality report and print its path."""
    from warehouse.report import write_report
    from warehouse.store import Warehouse

    settings = _settings(warehouse)
    with _reported(settings):
        path = write_report(Warehouse.from_settings(settings))
    out.print(str(path), highlight=False, soft_wrap=True)
    if open_:
        _open_in_browser(path)


def _open_in_browser(path: Path) -> None:
    """Open a file in the user's web browser (Python's webbrowser: $BROWSER, else what the
    desktop offers), or say plainly that there is none (a server, a container, SSH without X)."""
    import webbrowser

    try:
        browser = webbrowser.get()
        opened = browser.open(path.resolve().as_uri())
    except webbrowser.Error:
        opened = False
    if opened:
        name = getattr(browser, "name", "default")
        err.print(f"opened in your web browser ({name})", highlight=False, soft_wrap=True)
    else:
        err.print(
            "no web browser is available here; open the file above in one, or set BROWSER to a "
            "browser command",
            highlight=False,
            soft_wrap=True,
        )


quarantine_app = typer.Typer(
    cls=Group,
    help="Review what the audit held back: list, show, release (re-audit or force) and drop.",
    no_args_is_help=True,
)
app.add_typer(quarantine_app, name="quarantine")


def _review_warehouse(warehouse: Path | None):
    from warehouse.store import Warehouse

    settings = _settings(warehouse)
    return Warehouse.from_settings(settings)


@quarantine_app.command(cls=Command, name="list")
def quarantine_list(
    warehouse: Path | None = typer.Option(None, "--warehouse", "-w", metavar="DIR", help=WAREHOUSE_HELP),
) -> None:
    """What is held: articles (with all their rows) and quotes held alone (their articles
    published), with the failed rules and the latest decision."""
    from warehouse.review import list_quarantined

    with _reported():
        _print_frame(list_quarantined(_review_warehouse(warehouse)))


ITEM_HELP = "id from `wirehouse quarantine list`: an article_id, or a quote_id for a quote held alone."


@quarantine_app.command(cls=Command, name="show")
def quarantine_show(
    item_id: str = typer.Argument(..., help=ITEM_HELP),
    warehouse: Path | None = typer.Option(None, "--warehouse", "-w", metavar="DIR", help=WAREHOUSE_HELP),
) -> None:
    """One held article (its row, past decisions, and the rows that failed each rule) or quote."""
    from warehouse.review import show

    with _reported():
        settings = _settings(warehouse)
        parts = show(
            _review_warehouse(warehouse),
            item_id,
            frozenset(settings.languages),
            settings.max_article_chars,
            settings.boilerplate_min_articles,
        )
    for name, frame in parts.items():
        out.print(
            Text.assemble((name, "bold"), f" ({len(frame)} row{'s' if len(frame) != 1 else ''})"),
            highlight=False,
        )
        for row in frame.to_dict("records"):
            for column, value in row.items():
                text = _cell(value)
                if len(text) > SHOW_CHARS:
                    text = text[:SHOW_CHARS] + f"… ({len(text)} chars)"
                out.print(f"  {column}: {text}", highlight=False)
            out.print("")


@quarantine_app.command(cls=Command, name="release")
def quarantine_release(
    item_id: str = typer.Argument(..., help=ITEM_HELP),
    reason: str | None = typer.Option(
        None,
        "--reason",
        help="Publish on your word, recording this reason. Without it the article or quote is "
        "re-audited with the current rules and published only if it passes.",
    ),
    warehouse: Path | None = typer.Option(None, "--warehouse", "-w", metavar="DIR", help=WAREHOUSE_HELP),
) -> None:
    """Re-audit a held article or quote (after rules changed) and publish it if it passes, or
    force-publish it with --reason."""
    from warehouse.review import release

    with _reported():
        settings = _settings(warehouse)
        languages = frozenset(settings.languages)
        decision = release(
            _review_warehouse(warehouse),
            item_id,
            languages,
            settings.max_article_chars,
            reason,
            settings.boilerplate_min_articles,
        )
    out.print(f"{item_id}: {decision.action} ({decision.reason})", highlight=False)


@quarantine_app.command(cls=Command, name="drop")
def quarantine_drop(
    item_id: str = typer.Argument(..., help=ITEM_HELP),
    reason: str | None = typer.Option(None, "--reason", help="Why it is dropped (recorded)."),
    warehouse: Path | None = typer.Option(None, "--warehouse", "-w", metavar="DIR", help=WAREHOUSE_HELP),
) -> None:
    """Record that a held article or quote will not be published (its rows stay in quarantine)."""
    from warehouse.review import decide

    with _reported():
        decision = decide(_review_warehouse(warehouse), item_id, "dropped", reason)
    out.print(f"{item_id}: {decision.action}", highlight=False)


if __name__ == "__main__":
    app(prog_name="wirehouse")
