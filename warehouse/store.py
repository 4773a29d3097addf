"""Every DuckDB and Parquet read and write, and the atomic publish commit.

Layout of a warehouse directory:
    wirehouse.duckdb          published tables, quarantine.* tables, ledger, runs, batches, quality
    staging/<batch_id>/       a batch's tables as Parquet, written before the audit
    batches/<batch_id>/       the same files once the batch is published (the archive)
                              (these two live in the lake: by default the warehouse directory,
                              or any fsspec URL shared by a cluster's workers; see lake.py)
    reports/quality.html      the quality report
    run.lock                  held by the one `wirehouse run` writing to this warehouse

Write, audit, publish: a batch is written to staging/, audited from those files, then published:
its publication (the ledger's records, the held and skipped article ids, a manifest last) is
written beside it, committed in ONE DuckDB transaction (rows of passing articles into the
published tables, rows of failing articles into quarantine.*, ledger, batch and quality rows),
and moved to batches/. A process that dies before the commit leaves nothing visible; the next
run finishes what it left (recover_staging): a committed batch is archived, a batch with its
publication written is committed, anything else is removed and its files are read again.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd
import pyarrow as pa

from transforms.ingest import FileCounts, ParsedFile, file_status
from transforms.records import ARTICLE_TABLES, TABLES, RunRecord, StageTimingRecord
from warehouse.faults import fault_point
from warehouse.lake import Lake
from warehouse.schema import (
    HISTORY_SCHEMA,
    QUARANTINE_SCHEMA,
    REASON_COLUMN,
    ExistingColumn,
    arrow_schema,
    column_names,
    ddl,
    migrations,
)

DB_FILE = "wirehouse.duckdb"
STAGING = "staging"  # lake folders
ARCHIVE = "batches"
PUBLICATION = "publication"  # staging/<batch_id>/publication/: what its commit adds to the ledger
MANIFEST = "publication.json"  # staging/<batch_id>/publication.json, written last
# The ledger's records a batch's commit adds, besides its article rows.
PUBLICATION_TABLES = ("files", "raw_documents", "quality_results", "line_stats", "batches", "stage_timings")

# What a user's query (`wirehouse sql`) may be: a SELECT (DuckDB parses DESCRIBE, SHOW, SUMMARIZE,
# VALUES, FROM-first and WITH as SELECT), an EXPLAIN of an allowed statement, or one of these
# pragmas, which only read (others write: IMPORT DATABASE and COPY FROM DATABASE parse as PRAGMA).
READ_ONLY_PRAGMAS = frozenset(
    {
        "table_info",
        "show",
        "show_tables",
        "show_tables_expanded",
        "show_databases",
        "database_list",
        "database_size",
        "storage_info",
        "metadata_info",
        "version",
        "platform",
    }
)
# The connection a user's query runs on: no file but the warehouse's (unless local files are
# allowed), no extension installed or loaded, no Python variable read as a table, and no setting
# changed afterwards. Given when the connection opens, so it never shares a database instance
# with a connection of this process that lacks them (the configuration is locked right after
# Warehouse.connect sets the time zone).
USER_QUERY_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "python_enable_replacements": False,
    "lock_configuration": True,
}


class WarehouseError(RuntimeError):
    """A usage or environment problem with a one-line message for the user."""


class WarehouseLocked(WarehouseError):
    pass


class PublishDeferred(WarehouseError):
    """Readers held the DuckDB file too long: the batch stays staged with its publication."""

    def __init__(self, batch_id: str, why: str):
        super().__init__(f"batch {batch_id} stays staged for the next run to publish: {why}")
        self.batch_id = batch_id


log = logging.getLogger("wirehouse")


def lock_holder(message: str) -> str:
    """'pid 1234 (wirehouse sql select ...)' from DuckDB's lock conflict message, naming the
    process by its command line where the system shows it."""
    if "(PID" not in message:
        return "another process"
    pid = message.split("(PID")[-1].split(")")[0].strip()
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return f"pid {pid}"
    words = [a.decode(errors="replace") for a in argv if a]
    if len(words) >= 3 and words[1:3] == ["-m", "flows.cli"]:  # python -m flows.cli ... is `wirehouse`
        words = ["wirehouse", *words[3:]]
    elif words:
        words[0] = Path(words[0]).name
    command = " ".join(words)
    command = command if len(command) <= 80 else command[:79] + "…"
    return f"pid {pid} ({command})" if command else f"pid {pid}"


class QueryRefused(WarehouseError):
    """SQL that `user_query` does not run: a statement that could write, or not one statement."""


class WarehouseSettings(Protocol):
    """What a Warehouse is built from (flows.settings.Settings has it)."""

    @property
    def warehouse_dir(self) -> Path: ...
    @property
    def lock_wait_seconds(self) -> float: ...
    @property
    def publish_wait_seconds(self) -> float: ...
    @property
    def lake(self) -> str | None: ...


class Warehouse:
    @classmethod
    def from_settings(cls, settings: WarehouseSettings) -> Warehouse:
        """The warehouse a run, a command or a worker uses: every caller builds it here."""
        return cls(
            settings.warehouse_dir, settings.lock_wait_seconds, settings.lake, settings.publish_wait_seconds
        )

    def __init__(
        self,
        root: Path,
        lock_wait_seconds: float = 10.0,
        lake: str | None = None,
        write_wait_seconds: float = 120.0,
    ):
        """lock_wait_seconds: how long a reader waits while a writer holds the DuckDB file;
        write_wait_seconds: how long a writer waits for readers (e.g. `wirehouse sql`); then
        WarehouseLocked. lake: where batches are staged and archived (a folder or fsspec URL;
        default the warehouse directory)."""
        self.root = Path(root)
        self.lock_wait_seconds = lock_wait_seconds
        self.write_wait_seconds = write_wait_seconds
        self.db_path = self.root / DB_FILE
        try:
            self.lake = Lake(lake or self.root)
        except (ValueError, ImportError) as exc:  # unknown protocol, or its fsspec package missing
            raise WarehouseError(f"cannot use {lake!r} for staging: {exc}") from None
        self.reports = self.root / "reports"

    # --- locking and connections ------------------------------------------------------------
    @contextmanager
    def run_lock(self) -> Iterator[None]:
        """Exclusive lock for one writing run; a second run fails at once with the holder's pid."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "run.lock"
        with open(path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                raise WarehouseLocked(
                    f"warehouse {self.root} is locked by another wirehouse run (pid {holder})"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            try:
                yield
            finally:
                handle.seek(0)
                handle.truncate()
                fcntl.flock(handle, fcntl.LOCK_UN)

    def check_unlocked(self) -> None:
        """Raise WarehouseLocked now if another run holds the warehouse (a fast pre-check for
        the CLI; the run itself still takes the lock)."""
        if (self.root / "run.lock").exists():
            with self.run_lock():
                pass

    def connect(
        self, read_only: bool = False, wait_seconds: float | None = None, config: dict | None = None
    ) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection (with these DuckDB settings when given); while another process
        holds the file it says so once (the `wirehouse` logger) and retries, up to wait_seconds
        (by default lock_wait_seconds for a reader, write_wait_seconds for a writer), then raises
        WarehouseLocked naming the holder."""
        if wait_seconds is None:
            wait_seconds = self.lock_wait_seconds if read_only else self.write_wait_seconds
        if read_only and not self.db_path.exists():
            raise WarehouseError(f"no warehouse at {self.root} (run `wirehouse run PATH` first)")
        deadline = time.monotonic() + wait_seconds
        told = False
        settings = dict(config or {})
        lock = settings.pop("lock_configuration", False)  # locked once the time zone is set
        while True:
            try:
                con = duckdb.connect(str(self.db_path), read_only=read_only, config=settings)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise WarehouseError(f"cannot open {self.db_path}: {exc}") from None
                holder = lock_holder(str(exc))
                if time.monotonic() >= deadline:
                    raise WarehouseLocked(
                        f"{self.db_path} is held by {holder} (waited {wait_seconds:g} s)"
                    ) from None
                if not told and wait_seconds >= 1:
                    log.warning("waiting up to %g s for %s to release %s", wait_seconds, holder, self.db_path)
                    told = True
                time.sleep(0.2)
                continue
            # Times are read and shown in UTC whatever the machine's zone: text without an offset
            # is a UTC time, and TIMESTAMPTZ values reach Python and pandas in UTC. (DuckDB takes
            # TimeZone only once the connection is open.)
            try:
                con.execute("SET TimeZone = 'UTC'")
                if lock:
                    con.execute("SET lock_configuration = true")
            except BaseException:
                con.close()
                raise
            return con

    def initialise(self) -> None:
        """Create the folders and tables (idempotent), upgrading an older warehouse in place in one
        transaction (warehouse.schema.migrations; an upgrade that fails changes nothing and says
        why). What a stopped run left in staging/ is for recover_staging, under the run lock."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.reports.mkdir(exist_ok=True)
        for folder in (STAGING, ARCHIVE):
            self.lake.makedirs(folder)
        with self.connect() as con:
            existing: dict[str, dict[str, ExistingColumn]] = {}
            for schema, table, column, nullable, data_type in con.execute(
                "SELECT schema_name, table_name, column_name, is_nullable, data_type FROM duckdb_columns() "
                "WHERE NOT internal"
            ).fetchall():
                existing.setdefault(table if schema == "main" else f"{schema}.{table}", {})[column] = (
                    ExistingColumn(nullable, data_type)
                )
            try:
                upgrades = migrations(existing)
            except ValueError as exc:
                raise WarehouseError(str(exc)) from None
            if upgrades:
                con.execute("BEGIN TRANSACTION")
                try:
                    for statement in upgrades:
                        con.execute(statement)
                    con.execute("COMMIT")
                except duckdb.Error as exc:
                    with suppress(duckdb.Error):
                        con.execute("ROLLBACK")
                    message = str(exc).splitlines()[0].removeprefix("Invalid Input Error: ")
                    raise WarehouseError(f"cannot upgrade {self.db_path}: {message}") from None
            for statement in ddl():
                con.execute(statement)

    # --- ledger lookups ----------------------------------------------------------------------
    def ingested_files(self) -> set[tuple[str, str]]:
        """(file_id, path) pairs already in the ledger."""
        with self.connect() as con:
            return set(con.execute("SELECT file_id, path FROM files").fetchall())

    def ledger_stats(self) -> dict[str, set[tuple[int, int]]]:
        """path -> the (size, mtime_ns) pairs the ledger has for it."""
        with self.connect() as con:
            rows = con.execute(
                "SELECT path, size_bytes, mtime_ns FROM files WHERE mtime_ns IS NOT NULL"
            ).fetchall()
        stats: dict[str, set[tuple[int, int]]] = {}
        for path, size, mtime in rows:
            stats.setdefault(path, set()).add((size, mtime))
        return stats

    def touch_files(self, files: Iterable[tuple[str, str, int]]) -> None:
        """Record a new mtime for ledger rows whose bytes were read again and had not changed
        ((file_id, path, mtime_ns)), so the next run skips them without reading."""
        rows = list(files)
        if rows:
            with self.connect() as con:
                con.executemany(
                    "UPDATE files SET mtime_ns = ? WHERE file_id = ? AND path = ?",
                    [(m, f, p) for f, p, m in rows],
                )

    def warc_progress(self) -> dict[str, list[tuple[str, int]]]:
        """path -> (file_id, warc_end) of every web archive version read: how far each was read."""
        progress: dict[str, list[tuple[str, int]]] = {}
        with self.connect() as con:
            for path, file_id, end in con.execute(
                "SELECT path, file_id, warc_end FROM files WHERE warc_end IS NOT NULL"
            ).fetchall():
                progress.setdefault(path, []).append((file_id, end))
        return progress

    def known_paths(self) -> set[str]:
        with self.connect() as con:
            return {r[0] for r in con.execute("SELECT DISTINCT path FROM files").fetchall()}

    def known_file_ids(self) -> dict[str, str]:
        """file_id -> a path it was first seen at."""
        with self.connect() as con:
            return dict(con.execute("SELECT file_id, min(path) FROM files GROUP BY file_id").fetchall())

    def known_contents(self, excluding_files: Iterable[str] = ()) -> dict[str, tuple[str, str | None]]:
        """content_sha256 -> (article_id, version_key) of every article already published or
        quarantined (except those of the given file ids); the published one where both are."""
        frame = pd.DataFrame({"file_id": list(excluding_files)}, dtype="string")
        with self.connect() as con:
            con.register("excluded_files", frame)
            rows = con.execute(
                f"SELECT content_sha256, arg_min(article_id, held), arg_min(version_key, held) FROM ("
                f"SELECT content_sha256, article_id, version_key, file_id, 0 AS held FROM articles "
                f"UNION ALL SELECT content_sha256, article_id, version_key, file_id, 1 "
                f"FROM {QUARANTINE_SCHEMA}.articles) "
                f"WHERE file_id NOT IN (SELECT file_id FROM excluded_files) GROUP BY 1"
            ).fetchall()
        return {sha: (article_id, key) for sha, article_id, key in rows}

    def copy_index_rows(self) -> list[tuple[str, str, int, bytes | None]]:
        """(article_id, version_key, shingles, signature) of every published article with a
        version_key (signature None for a body without words): what a CopyIndex is built from."""
        with self.connect() as con:
            return con.execute(
                "SELECT a.article_id, a.version_key, coalesce(m.n_shingles, 0), m.signature "
                "FROM articles a LEFT JOIN minhashes m USING (article_id) WHERE a.version_key IS NOT NULL"
            ).fetchall()

    def raw_documents(
        self,
        since: datetime | None = None,
        files: Iterable[tuple[str, str]] | None = None,
        content: bool = True,
    ) -> list[dict]:
        """Stored raw documents of the files that reached a batch (published or quarantined),
        ingested by runs started at or after `since` (an aware datetime, compared with
        runs.started_at as TIMESTAMPTZ) when given, and of the given (file_id, path) files only
        when given. content=False: every column but the documents' text (an index of what is
        stored, for planning batches)."""
        condition = (
            ""
            if since is None
            else "AND f.run_id IN (SELECT run_id FROM runs WHERE started_at >= CAST(? AS TIMESTAMPTZ))"
        )
        columns = "r.*" if content else "r.* EXCLUDE (content)"
        with self.connect() as con:
            if files is not None:
                con.register(
                    "wanted_files", pd.DataFrame(list(files), columns=["file_id", "path"], dtype="string")
                )
                condition += (
                    " AND EXISTS (SELECT 1 FROM wanted_files w"
                    " WHERE w.file_id = r.file_id AND w.path = r.path)"
                )
            frame = con.execute(
                f"""
                SELECT {columns}, f.size_bytes, f.mtime_ns, f.encoding, f.replaced_bytes FROM raw_documents r
                JOIN files f ON f.file_id = r.file_id AND f.path = r.path
                WHERE f.status IN ('published', 'quarantined') {condition}""",
                [] if since is None else [since],
            ).fetch_df()
        return frame.astype(object).where(frame.notna(), None).to_dict("records")

    def line_counts(self, sources: Iterable[str]) -> dict[tuple[str, str], int]:
        """(source, line key) -> articles seen, for the given sources (corpus statistics)."""
        frame = pd.DataFrame({"source": list(sources)}, dtype="string")
        with self.connect() as con:
            con.register("wanted_sources", frame)
            rows = con.execute(
                "SELECT source, line_key, n_articles FROM line_stats WHERE source IN (SELECT "
                "source FROM wanted_sources)"
            ).fetchall()
        return {(source, key): n for source, key, n in rows}

    # --- staging -----------------------------------------------------------------------------
    def stage(self, batch_id: str, tables: dict[str, list]) -> str:
        """Write a batch's article tables (lists of records) as Parquet under staging/ in the
        lake; returns where."""
        for table in ARTICLE_TABLES:
            rows = [asdict(r) for r in tables.get(table, [])]
            self.lake.write_table(
                pa.Table.from_pylist(rows, schema=arrow_schema(table)), STAGING, batch_id, f"{table}.parquet"
            )
        fault_point("staged")
        return self.lake.uri(STAGING, batch_id)

    def read_staged(self, batch_id: str) -> dict[str, pd.DataFrame]:
        return {t: table.to_pandas() for t, table in self._staged_tables(batch_id).items()}

    def _staged_tables(self, batch_id: str) -> dict[str, pa.Table]:
        if not self.lake.exists(STAGING, batch_id, f"{ARTICLE_TABLES[0]}.parquet"):
            raise WarehouseError(
                f"staged batch {batch_id} is not at {self.lake.uri(STAGING, batch_id)}: workers on "
                f"other machines "
                "must stage to storage this process reads too (set WIREHOUSE_LAKE to a shared URL)"
            )
        return {t: self.lake.read_table(STAGING, batch_id, f"{t}.parquet") for t in ARTICLE_TABLES}

    def archived(self, batch_id: str) -> str:
        """Where a published batch's Parquet files are kept."""
        return self.lake.uri(ARCHIVE, batch_id)

    # --- publish -----------------------------------------------------------------------------
    def publish(
        self,
        batch_id: str,
        quarantined: dict[str, str],
        files: Iterable,
        batch,
        quality: Iterable,
        line_stats: Iterable = (),
        skip: Iterable[str] = (),
        raw_documents: Iterable = (),
        replace: bool = False,
        timings: Iterable[StageTimingRecord] = (),
        held_quotes: Mapping[str, str] | None = None,
        copies: Mapping[str, tuple[str, str, float]] | None = None,
    ) -> list[str]:
        """Publish one audited batch atomically: its publication is written beside its staged
        rows (stage_publication), committed in one transaction (commit_staged), and the batch's
        files move to the archive (archive_staged). A run stopped between any two of these steps
        is finished by the next run (recover_staging), without analysing the batch again.

        quarantined: article_id -> reason. Rows of those articles go to quarantine.*, the rest
        to the published tables; ledger rows, the batch row, its stage timings (with the
        publish's own, up to its commit), quality rows and the batch's line statistics (added to
        the counts already there) in the same commit. skip: article ids that go nowhere (found
        to be duplicates at publish time). held_quotes: quote_id -> reason of quotes held alone
        (in quarantine.quotes) while their articles publish. copies: article_id -> (duplicate_of,
        method, similarity) of skipped articles that are copies (recorded in `copies`). replace: the
        files' earlier article rows are deleted first. Returns the articles the batch's new
        versions superseded (supersede). Readers holding the DuckDB file longer than
        write_wait_seconds raise PublishDeferred: the batch stays staged, whole, and the next run
        commits it.
        """
        started = time.perf_counter()
        self.stage_publication(
            batch_id,
            quarantined=quarantined,
            skip=skip,
            held_quotes=held_quotes or {},
            copies=copies or {},
            replace=replace,
            records={
                "files": files,
                "raw_documents": raw_documents,
                "quality_results": quality,
                "line_stats": line_stats,
                "batches": [batch] if batch is not None else [],
                "stage_timings": timings,
            },
        )
        try:
            superseded = self.commit_staged(batch_id, seconds_before=time.perf_counter() - started)
        except WarehouseLocked as exc:
            raise PublishDeferred(batch_id, str(exc)) from None
        self.archive_staged(batch_id)
        return superseded

    def stage_publication(
        self,
        batch_id: str,
        *,
        quarantined: dict[str, str],
        skip: Iterable[str],
        held_quotes: Mapping[str, str],
        replace: bool,
        records: dict[str, Iterable],
        copies: Mapping[str, tuple[str, str, float]] | None = None,
    ) -> None:
        """Write what the commit of a staged batch adds besides its rows (the ledger's records,
        by table; the held and skipped article ids) under staging/<batch_id>/publication/, its
        manifest last: a batch with a manifest can be committed by any later run."""
        for table in PUBLICATION_TABLES:
            rows = [asdict(r) for r in records.get(table, ())]
            self.lake.write_table(
                pa.Table.from_pylist(rows, schema=arrow_schema(table)),
                STAGING,
                batch_id,
                PUBLICATION,
                f"{table}.parquet",
            )
        skipped = list(skip)
        copied = copies or {}
        # One row per held article (with its reason), skipped article (no reason; a copy with the
        # article it copies) and quote held alone (its quote_id and reason).
        copy_of = [copied.get(a) for a in skipped]
        decisions = pa.table(
            {
                "article_id": pa.array([*quarantined, *skipped, *[None] * len(held_quotes)], pa.string()),
                "quote_id": pa.array(
                    [None] * (len(quarantined) + len(skipped)) + list(held_quotes), pa.string()
                ),
                REASON_COLUMN: pa.array(
                    [*quarantined.values(), *[None] * len(skipped), *held_quotes.values()], pa.string()
                ),
                "duplicate_of": pa.array(
                    [None] * len(quarantined) + [c and c[0] for c in copy_of] + [None] * len(held_quotes),
                    pa.string(),
                ),
                "method": pa.array(
                    [None] * len(quarantined) + [c and c[1] for c in copy_of] + [None] * len(held_quotes),
                    pa.string(),
                ),
                "similarity": pa.array(
                    [None] * len(quarantined) + [c and c[2] for c in copy_of] + [None] * len(held_quotes),
                    pa.float64(),
                ),
            }
        )
        self.lake.write_table(decisions, STAGING, batch_id, PUBLICATION, "held.parquet")
        self.lake.write_bytes(json.dumps({"replace": replace}).encode(), STAGING, batch_id, MANIFEST)

    def commit_staged(self, batch_id: str, seconds_before: float = 0.0) -> list[str]:
        """Commit a staged batch with its publication (stage_publication) in one transaction:
        its rows, its copies, and the older versions its articles supersede moved to history
        (returned: their article ids). Nothing when its batch row exists already (committed before
        a crash or a retry), so no count is ever added twice. seconds_before: the publish's time
        before this call."""
        started = time.perf_counter()
        manifest = json.loads(self.lake.read_bytes(STAGING, batch_id, MANIFEST))
        staged = self._staged_tables(batch_id)
        records = {
            t: self.lake.read_table(STAGING, batch_id, PUBLICATION, f"{t}.parquet")
            for t in PUBLICATION_TABLES
        }
        held = self.lake.read_table(STAGING, batch_id, PUBLICATION, "held.parquet").to_pandas()
        alone = held["quote_id"].notna()
        reasons = held[~alone & held[REASON_COLUMN].notna()][["article_id", REASON_COLUMN]].astype("string")
        skipped = held[held[REASON_COLUMN].isna()][["article_id"]].astype("string")
        held_quotes = held[alone][["quote_id", REASON_COLUMN]].astype("string")
        if "duplicate_of" not in held:  # staged by a version before copies were recorded
            held = held.assign(duplicate_of=None, method=None, similarity=None)
        copied = held[held["duplicate_of"].notna()][["article_id", "duplicate_of", "method", "similarity"]]
        superseded: list[str] = []
        with self.connect() as con:
            if con.execute("SELECT count(*) FROM batches WHERE batch_id = ?", [batch_id]).fetchall() != [
                (0,)
            ]:
                return superseded
            con.register("copied_articles", copied)
            con.register("quarantined_articles", reasons)
            con.register("skipped_articles", skipped)
            con.register("held_quotes", held_quotes)
            for table, arrow in staged.items():
                con.register(f"staged_{table}", arrow)
            con.execute("BEGIN TRANSACTION")
            try:
                if manifest["replace"]:
                    self._delete_file_rows(
                        con, [str(f) for f in records["files"].column("file_id").to_pylist()]
                    )
                for table in ARTICLE_TABLES:
                    cols = ", ".join(column_names(table))
                    source = f"staged_{table}"
                    held_alone = (
                        "AND quote_id NOT IN (SELECT quote_id FROM held_quotes)" if table == "quotes" else ""
                    )
                    con.execute(
                        f"INSERT OR IGNORE INTO {table} ({cols}) SELECT {cols} FROM {source} "
                        f"WHERE article_id NOT IN (SELECT article_id FROM quarantined_articles) "
                        f"AND article_id NOT IN (SELECT article_id FROM skipped_articles) {held_alone}"
                    )
                    con.execute(
                        f"INSERT INTO {QUARANTINE_SCHEMA}.{table} ({cols}, {REASON_COLUMN}) "
                        f"SELECT s.*, q.{REASON_COLUMN} FROM (SELECT {cols} FROM {source}) s "
                        f"JOIN quarantined_articles q USING (article_id)"
                    )
                con.execute(
                    f"INSERT INTO {QUARANTINE_SCHEMA}.quotes ({', '.join(column_names('quotes'))}, "
                    f"{REASON_COLUMN}) SELECT s.*, h.{REASON_COLUMN} FROM "
                    f"(SELECT {', '.join(column_names('quotes'))} FROM staged_quotes) s "
                    f"JOIN held_quotes h USING (quote_id)"
                )
                self._insert_table(
                    con,
                    "files",
                    records["files"],
                    on_conflict=(
                        "ON CONFLICT (file_id, path) DO UPDATE SET status = EXCLUDED.status, "
                        "reason = EXCLUDED.reason, "
                        "n_articles = EXCLUDED.n_articles, n_published = EXCLUDED.n_published, "
                        "n_quarantined = EXCLUDED.n_quarantined, n_duplicates = EXCLUDED.n_duplicates, "
                        "run_id = EXCLUDED.run_id, batch_id = EXCLUDED.batch_id"
                    )
                    if manifest["replace"]
                    else "",
                )
                for table in ("raw_documents", "quality_results", "batches", "stage_timings"):
                    self._insert_table(con, table, records[table])
                self._insert_table(
                    con,
                    "line_stats",
                    records["line_stats"],
                    on_conflict=(
                        "ON CONFLICT (source, line_key) DO UPDATE SET n_articles = n_articles + "
                        "EXCLUDED.n_articles"
                    ),
                )
                # A copy's row: the decision's columns, the rest from its staged article row.
                copy_cols = column_names("copies")
                decided = ("duplicate_of", "method", "similarity")
                picked = ", ".join(f"c.{c}" if c in decided else f"a.{c}" for c in copy_cols)
                con.execute(
                    f"INSERT OR REPLACE INTO copies ({', '.join(copy_cols)}) SELECT {picked} "
                    f"FROM staged_articles a JOIN copied_articles c USING (article_id)"
                )
                if manifest["replace"]:
                    self._reapply_releases(con)
                    self.recount_files(con, [str(f) for f in records["files"].column("file_id").to_pylist()])
                superseded = self.supersede(
                    con, [str(a) for a in staged["articles"].column("article_id").to_pylist()]
                )
                seconds = round(seconds_before + time.perf_counter() - started, 4)
                # Last: the publish's time up to its commit.
                self._insert_records(con, "stage_timings", [StageTimingRecord(batch_id, "publish", seconds)])
                fault_point("commit")
                con.execute("COMMIT")
            except BaseException:
                # A rollback that fails too (the disk that failed the commit) must not hide why.
                with suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise
            finally:
                con.unregister("copied_articles")
                con.unregister("quarantined_articles")
                con.unregister("skipped_articles")
                con.unregister("held_quotes")
                for table in staged:
                    con.unregister(f"staged_{table}")
        fault_point("committed")
        return superseded

    @classmethod
    def supersede(cls, con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> list[str]:
        """Older versions of these articles move to history (inside the caller's transaction).
        For each version_key they have: the newest published article stays (newest: its file's
        modification time, then its position in the file, then the batch published last); every
        older article with that key, published or held in quarantine, moves, all its rows, to
        history.* with superseded_at (now) and superseded_by (the newest); copies of it now name
        the newest as the canonical article; the files ledger is recounted. A held article newer
        than the newest published one stays held (a reviewer may release it; then it replaces
        that one). Returns the superseded article ids."""
        con.register("new_versions", pd.DataFrame({"article_id": article_ids}, dtype="string"))
        try:
            con.execute(f"""
                CREATE OR REPLACE TEMP TABLE superseded AS
                WITH keys AS (
                    SELECT DISTINCT version_key FROM articles
                    WHERE version_key IS NOT NULL AND article_id IN (SELECT article_id FROM new_versions)),
                candidates AS (
                    SELECT article_id, version_key, file_id, record_index, batch_id, false AS held
                    FROM articles WHERE version_key IN (SELECT version_key FROM keys)
                    UNION ALL
                    SELECT article_id, version_key, file_id, record_index, batch_id, true
                    FROM {QUARANTINE_SCHEMA}.articles WHERE version_key IN (SELECT version_key FROM keys)),
                ranked AS (
                    SELECT c.article_id, c.version_key, c.file_id, c.held, row_number() OVER (
                        PARTITION BY c.version_key
                        ORDER BY coalesce(f.mtime_ns, 0) DESC, c.record_index DESC,
                                 b.published_at DESC NULLS FIRST, c.article_id DESC) AS age
                    FROM candidates c
                    LEFT JOIN (SELECT file_id, max(mtime_ns) AS mtime_ns FROM files GROUP BY 1) f
                        USING (file_id)
                    LEFT JOIN batches b USING (batch_id)),
                newest AS (
                    SELECT version_key, arg_min(article_id, age) AS article_id, min(age) AS age
                    FROM ranked WHERE NOT held GROUP BY 1)
                SELECT r.article_id, r.file_id, n.article_id AS superseded_by
                FROM ranked r JOIN newest n USING (version_key) WHERE r.age > n.age""")
            superseded = [r[0] for r in con.execute("SELECT article_id FROM superseded").fetchall()]
            if not superseded:
                return []
            now = datetime.now(UTC)
            for table in ARTICLE_TABLES:
                cols = ", ".join(column_names(table))
                for schema in ("main", QUARANTINE_SCHEMA):
                    con.execute(
                        f"INSERT INTO {HISTORY_SCHEMA}.{table} ({cols}, superseded_at, superseded_by) "
                        f"SELECT {cols}, CAST(? AS TIMESTAMPTZ), s.superseded_by FROM {schema}.{table} "
                        f"JOIN (SELECT article_id, superseded_by FROM superseded) s USING (article_id)",
                        [now],
                    )
                    con.execute(
                        f"DELETE FROM {schema}.{table} "
                        "WHERE article_id IN (SELECT article_id FROM superseded)"
                    )
            con.execute(
                "UPDATE copies SET duplicate_of = s.superseded_by FROM superseded s "
                "WHERE copies.duplicate_of = s.article_id"
            )
            files = [r[0] for r in con.execute("SELECT DISTINCT file_id FROM superseded").fetchall()]
            cls.recount_files(con, files)
            return superseded
        finally:
            con.unregister("new_versions")

    @classmethod
    def release_rows(
        cls,
        con: duckdb.DuckDBPyConnection,
        article_ids: list[str],
        quote_ids: list[str],
        keep_quotes: Iterable[str] = (),
    ) -> None:
        """Move rows from quarantine.* to the published tables (inside the caller's transaction):
        every row of these articles (except the quotes in keep_quotes, which stay held alone) and
        these quotes held alone. A released article that is a newer version of a published one
        supersedes it (supersede)."""
        con.register("released_articles", pd.DataFrame({"article_id": article_ids}, dtype="string"))
        con.register("released_quotes", pd.DataFrame({"quote_id": quote_ids}, dtype="string"))
        con.register("kept_quotes", pd.DataFrame({"quote_id": list(keep_quotes)}, dtype="string"))
        try:
            for table in ARTICLE_TABLES:
                where = "article_id IN (SELECT article_id FROM released_articles)"
                if table == "quotes":
                    where = (
                        f"(({where}) AND quote_id NOT IN (SELECT quote_id FROM kept_quotes)) "
                        "OR quote_id IN (SELECT quote_id FROM released_quotes)"
                    )
                cols = ", ".join(column_names(table))
                con.execute(
                    f"INSERT OR IGNORE INTO {table} ({cols}) SELECT {cols} FROM {QUARANTINE_SCHEMA}.{table} "
                    f"WHERE {where}"
                )
                con.execute(f"DELETE FROM {QUARANTINE_SCHEMA}.{table} WHERE {where}")
        finally:
            for name in ("released_articles", "released_quotes", "kept_quotes"):
                con.unregister(name)
        cls.supersede(con, article_ids)

    @classmethod
    def _reapply_releases(cls, con: duckdb.DuckDBPyConnection) -> None:
        """Reprocessing re-derived held rows that a reviewer released: release them again, where
        the article's content is what the reviewer saw (a changed article is judged afresh)."""
        latest = (
            "SELECT coalesce(quote_id, article_id) AS id, arg_max(action, decided_at) AS action, "
            "arg_max(content_sha256, decided_at) AS sha FROM quarantine_decisions GROUP BY 1"
        )
        released = "d.action IN ('released', 'force_released')"
        articles = con.execute(
            f"SELECT a.article_id FROM {QUARANTINE_SCHEMA}.articles a JOIN ({latest}) d "
            f"ON d.id = a.article_id WHERE {released} AND d.sha = a.content_sha256"
        ).fetchall()
        quotes = con.execute(
            f"SELECT q.quote_id FROM {QUARANTINE_SCHEMA}.quotes q JOIN articles a USING (article_id) "
            f"JOIN ({latest}) d ON d.id = q.quote_id WHERE {released} AND d.sha = a.content_sha256"
        ).fetchall()
        if articles or quotes:
            cls.release_rows(con, [r[0] for r in articles], [r[0] for r in quotes])

    @staticmethod
    def recount_files(con: duckdb.DuckDBPyConnection, file_ids: list[str]) -> None:
        """Bring these files' ledger rows up to date with where their articles are now (after a
        review decision or a re-applied one, or newer versions): the published and held counts,
        and the status and reason by the ledger's one rule (transforms.ingest.file_status; a file
        none of whose articles is held any more is published, one whose articles were all
        replaced by newer versions is superseded)."""
        con.register("recounted_files", pd.DataFrame({"file_id": file_ids}, dtype="string"))
        try:
            rows = con.execute(f"""
                SELECT f.file_id, f.path, f.n_duplicates,
                       (SELECT count(*) FROM articles a WHERE a.file_id = f.file_id),
                       (SELECT count(*) FROM {QUARANTINE_SCHEMA}.articles q WHERE q.file_id = f.file_id),
                       (SELECT coalesce(list(q.{REASON_COLUMN}), []) FROM {QUARANTINE_SCHEMA}.articles q
                        WHERE q.file_id = f.file_id),
                       (SELECT count(*) FROM {HISTORY_SCHEMA}.articles h WHERE h.file_id = f.file_id),
                       (SELECT count(*) FROM copies c WHERE c.file_id = f.file_id)
                FROM files f
                WHERE f.file_id IN (SELECT file_id FROM recounted_files)
                  AND f.status IN ('published', 'quarantined', 'superseded')""").fetchall()
        finally:
            con.unregister("recounted_files")
        updates = []
        for file_id, path, duplicates, published, held, reasons, superseded, copies in rows:
            counts = FileCounts(published, held, duplicates, copies, superseded, list(reasons))
            status, reason = file_status(ParsedFile(path, file_id, 0, ""), counts)
            updates.append((published, held, status, reason, file_id, path))
        if updates:
            con.executemany(
                "UPDATE files SET n_published = ?, n_quarantined = ?, status = ?, reason = ? "
                "WHERE file_id = ? AND path = ?",
                updates,
            )

    def archive_staged(self, batch_id: str) -> None:
        """Move a committed batch's Parquet files from staging/ to batches/ (the archive)."""
        self.lake.move((STAGING, batch_id), (ARCHIVE, batch_id))
        fault_point("archived")

    def recover_staging(self) -> list[str]:
        """Finish what a stopped run left in staging/: a committed batch is moved to the archive
        (never deleted), a batch with its publication written is committed and archived (returned,
        in order: the batches this call published), anything else (a batch stopped before its
        audit finished) is removed, and its files are read again by the run as new."""
        staged = sorted(self.lake.list(STAGING))
        if not staged:
            return []
        with self.connect() as con:
            committed = {
                r[0]
                for r in con.execute(
                    "SELECT batch_id FROM batches WHERE batch_id IN (SELECT unnest(?))", [staged]
                ).fetchall()
            }
        published = []
        for batch_id in staged:
            if batch_id in committed:
                self.archive_staged(batch_id)
            elif self.lake.exists(STAGING, batch_id, MANIFEST):
                self.commit_staged(batch_id)
                self.archive_staged(batch_id)
                published.append(batch_id)
            else:
                self.lake.remove(STAGING, batch_id)
        return published

    @staticmethod
    def _delete_file_rows(con: duckdb.DuckDBPyConnection, file_ids: list[str]) -> None:
        """Delete every article row (published, quarantined and history, quotes held alone
        included) and every copy of these files."""
        con.register("replaced_files", pd.DataFrame({"file_id": file_ids}, dtype="string"))
        schemas = ("main", QUARANTINE_SCHEMA, HISTORY_SCHEMA)
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE replaced_articles AS "
                + " UNION ".join(
                    f"SELECT article_id FROM {schema}.articles "
                    "WHERE file_id IN (SELECT file_id FROM replaced_files)"
                    for schema in schemas
                )
            )
            for schema in schemas:
                for table in reversed(ARTICLE_TABLES):
                    con.execute(
                        f"DELETE FROM {schema}.{table} WHERE article_id IN (SELECT article_id FROM "
                        f"replaced_articles)"
                    )
            con.execute("DELETE FROM copies WHERE file_id IN (SELECT file_id FROM replaced_files)")
        finally:
            con.unregister("replaced_files")

    def record_files(self, files: Iterable) -> None:
        """Ledger rows for files that reached no batch (rejected or duplicate), one commit."""
        with self.connect() as con:
            self._insert_records(con, "files", files)

    def run_records(
        self, *, status: str | None = None, batch_ids: Iterable[str] | None = None
    ) -> list[RunRecord]:
        """`runs` rows with this status, or of the runs these batches belong to."""
        params: list[object]
        if status is not None:
            condition, params = "status = ?", [status]
        else:
            condition, params = (
                "run_id IN (SELECT run_id FROM batches WHERE batch_id IN (SELECT unnest(?)))",
                [list(batch_ids or [])],
            )
        with self.connect() as con:
            cols = column_names("runs")
            rows = con.execute(
                f"SELECT {', '.join(cols)} FROM runs WHERE {condition} ORDER BY run_id", params
            )
            return [RunRecord(**dict(zip(cols, row, strict=True))) for row in rows.fetchall()]

    def record_run(self, run) -> None:
        """Insert or update a run's `runs` row."""
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in column_names("runs") if c != "run_id")
        with self.connect() as con:
            self._insert_records(
                con, "runs", [run], on_conflict=f"ON CONFLICT (run_id) DO UPDATE SET {updates}"
            )

    @classmethod
    def _insert_records(
        cls, con: duckdb.DuckDBPyConnection, table: str, records: Iterable, on_conflict: str = ""
    ) -> None:
        """Insert records; rows whose key exists are skipped, or handled by `on_conflict`."""
        rows = [asdict(r) for r in records]
        if rows:
            cls._insert_table(con, table, pa.Table.from_pylist(rows, schema=arrow_schema(table)), on_conflict)

    @staticmethod
    def _insert_table(
        con: duckdb.DuckDBPyConnection, table: str, frame: pa.Table, on_conflict: str = ""
    ) -> None:
        """Insert an Arrow table of a table's records (as _insert_records)."""
        if frame.num_rows == 0:
            return
        con.register("incoming_rows", frame)
        try:
            cols = ", ".join(column_names(table))
            verb = "INSERT INTO" if on_conflict else "INSERT OR IGNORE INTO"
            con.execute(f"{verb} {table} ({cols}) SELECT {cols} FROM incoming_rows {on_conflict}")
        finally:
            con.unregister("incoming_rows")

    # --- reading -----------------------------------------------------------------------------
    def query(self, sql: str, params: list | None = None, wait_seconds: float | None = None) -> pd.DataFrame:
        """Run SQL on a read-only connection and return the result as a frame (waiting for a
        writer as connect does)."""
        con = self.connect(read_only=True, wait_seconds=wait_seconds)
        try:
            return con.execute(sql, params or []).fetch_df()
        finally:
            con.close()

    def user_query(self, sql: str, allow_local_files: bool = False, as_text: bool = False) -> pd.DataFrame:
        """Run one statement of a user's SQL (`wirehouse sql`) that can write nowhere: it must be
        read-only by DuckDB's own parser (check_read_only), and it runs on a read-only connection
        that reaches no file but the warehouse (USER_QUERY_CONFIG). allow_local_files: the query
        may also read local files (read_csv, read_parquet, glob); the statement check still
        applies. as_text: every value as DuckDB writes it as VARCHAR (lists [1, 2], structs
        {'k': v}, BLOBs \\x00 escaped, DECIMALs with their scale, NULL as None), except times
        with a time zone, which stay times (the caller writes them in ISO 8601). Raises
        QueryRefused, or duckdb.Error for a query DuckDB rejects."""
        config = dict(USER_QUERY_CONFIG, enable_external_access=allow_local_files)
        con = self.connect(read_only=True, config=config)
        try:
            statement = check_read_only(con, sql)
            relation = con.sql(statement.query) if as_text else None
            if relation is None:
                return con.execute(statement).fetch_df()
            kept = {"TIMESTAMP WITH TIME ZONE"}
            columns = [
                f"#{i}" if str(t) in kept else f"CAST(#{i} AS VARCHAR)"
                for i, t in enumerate(relation.types, 1)
            ]
            frame = relation.project(", ".join(columns)).df()
            frame.columns = relation.columns
            return frame
        finally:
            con.close()

    def table_counts(self) -> dict[str, int]:
        names = list(TABLES) + [
            f"{schema}.{t}" for schema in (QUARANTINE_SCHEMA, HISTORY_SCHEMA) for t in ARTICLE_TABLES
        ]
        counts: dict[str, int] = {}
        with self.connect(read_only=True) as con:
            for n in names:
                row = con.execute(f"SELECT count(*) FROM {n}").fetchone()
                assert row is not None  # count(*) always returns one row
                counts[n] = row[0]
            return counts


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.Statement:
    """The one statement in sql, parsed by DuckDB, if it is read-only (see READ_ONLY_PRAGMAS);
    otherwise QueryRefused naming what is not allowed."""
    statements = con.extract_statements(sql)
    for statement in statements:
        refused = _refused_kind(con, statement)
        if refused:
            raise QueryRefused(f"wirehouse sql runs read-only queries; {refused} statements are not allowed")
    if len(statements) != 1:
        raise QueryRefused(f"wirehouse sql runs one statement at a time; got {len(statements) or 'none'}")
    return statements[0]


def _refused_kind(con: duckdb.DuckDBPyConnection, statement: duckdb.Statement) -> str | None:
    """None for a read-only statement, else what it is: DuckDB's statement type, with the
    statement's own first word when that differs (e.g. "INSTALL (LOAD)")."""
    words = [word for _, word in _tokens(statement.query)]
    first = words[0].upper() if words else ""
    try:
        kind = statement.type
    except ValueError:  # a type this duckdb module cannot name (e.g. UPDATE EXTENSIONS in 2.0)
        return " ".join(words[:2]).upper() or "unknown"
    if kind is duckdb.StatementType.SELECT:
        return None
    if kind is duckdb.StatementType.PRAGMA and first == "PRAGMA" and len(words) > 1:
        name = words[1].strip('"').lower()
        return None if name in READ_ONLY_PRAGMAS else f"PRAGMA {name}"
    if kind is duckdb.StatementType.EXPLAIN:
        try:
            explained = con.extract_statements(_explained(statement.query))
        except duckdb.Error:
            explained = []
        if len(explained) != 1:
            return "EXPLAIN"
        refused = _refused_kind(con, explained[0])
        return f"EXPLAIN {refused}" if refused else None
    name = kind.name.replace("_", " ")
    return name if first == name.split()[0] else f"{first} ({name})"


def _tokens(sql: str) -> list[tuple[int, str]]:
    """(byte offset, text) of each token of sql as DuckDB's tokenizer splits it (its offsets
    count UTF-8 bytes), comments left out."""
    data = sql.encode()
    starts = duckdb.tokenize(sql)
    ends = [start for start, _ in starts[1:]] + [len(data)]
    return [
        (start, data[start:end].decode().strip())
        for (start, kind), end in zip(starts, ends, strict=True)
        if kind is not duckdb.token_type.comment
    ]


def _explained(sql: str) -> str:
    """The statement an EXPLAIN explains: what follows EXPLAIN, ANALYZE and an option list
    such as (ANALYZE, FORMAT json)."""
    tokens = _tokens(sql)
    i = 1  # past EXPLAIN
    while i < len(tokens):
        word = tokens[i][1].upper()
        options = word == "(" and i + 1 < len(tokens) and tokens[i + 1][1].upper() in {"ANALYZE", "FORMAT"}
        if options:
            while i < len(tokens) and tokens[i][1] != ")":
                i += 1
        elif word != "ANALYZE":
            return sql.encode()[tokens[i][0] :].decode()
        i += 1
    return ""
