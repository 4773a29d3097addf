"""Every DuckDB and Parquet read and write, and the atomic publish commit.

Layout of a warehouse directory:
    wirehouse.duckdb          published tables, quarantine.* tables, ledger, runs, batches, quality
    staging/<batch_id>/       a batch's tables as Parquet, written before the audit
    batches/<batch_id>/       the same files once the batch is published (the archive)
                              (these two live in the lake: by default the warehouse directory,
                              or any fsspec URL shared by a cluster's workers; see lake.py)
    reports/quality.html      the quality report
    run.lock                  held by the one `wirehouse run` writing to this warehouse

Write, audit, publish: a batch is written to staging/, audited from those files, then published
in ONE DuckDB transaction (rows of passing articles into the published tables, rows of failing
articles into quarantine.*, ledger, batch and quality rows). A process that dies before the
commit leaves nothing visible; leftover staging folders are removed by the next run.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd
import pyarrow as pa

from transforms.records import ARTICLE_TABLES, TABLES, StageTimingRecord
from warehouse.lake import Lake
from warehouse.schema import QUARANTINE_SCHEMA, REASON_COLUMN, arrow_schema, column_names, ddl, migrations

DB_FILE = "wirehouse.duckdb"
STAGING = "staging"  # lake folders
ARCHIVE = "batches"


class WarehouseError(RuntimeError):
    """A usage or environment problem with a one-line message for the user."""


class WarehouseLocked(WarehouseError):
    pass


class WarehouseSettings(Protocol):
    """What a Warehouse is built from (flows.settings.Settings has it)."""

    @property
    def warehouse_dir(self) -> Path: ...
    @property
    def lock_wait_seconds(self) -> float: ...
    @property
    def lake(self) -> str | None: ...


class Warehouse:
    @classmethod
    def from_settings(cls, settings: WarehouseSettings) -> Warehouse:
        """The warehouse a run, a command or a worker uses: every caller builds it here."""
        return cls(settings.warehouse_dir, settings.lock_wait_seconds, settings.lake)

    def __init__(self, root: Path, lock_wait_seconds: float = 10.0, lake: str | None = None):
        """lock_wait_seconds: how long a write connection waits while readers (e.g. `wirehouse
        sql`) hold the DuckDB file before giving up with WarehouseLocked. lake: where batches are
        staged and archived (a folder or fsspec URL; default the warehouse directory)."""
        self.root = Path(root)
        self.lock_wait_seconds = lock_wait_seconds
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
        self, read_only: bool = False, wait_seconds: float | None = None
    ) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection; retries while another process holds the file (up to wait_seconds,
        by default lock_wait_seconds, for readers and writers alike), then a clear error."""
        if wait_seconds is None:
            wait_seconds = self.lock_wait_seconds
        if read_only and not self.db_path.exists():
            raise WarehouseError(f"no warehouse at {self.root} (run `wirehouse run PATH` first)")
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                return duckdb.connect(str(self.db_path), read_only=read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise WarehouseError(f"cannot open {self.db_path}: {exc}") from None
                if time.monotonic() >= deadline:
                    holder = (
                        str(exc).split("(PID")[-1].split(")")[0].strip() if "(PID" in str(exc) else "unknown"
                    )
                    raise WarehouseLocked(
                        f"warehouse {self.db_path} is being written by another process (pid "
                        f"{holder}); try again shortly"
                    ) from None
                time.sleep(0.2)

    def initialise(self) -> None:
        """Create the folders and tables (idempotent) and drop staging left by a dead run."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.reports.mkdir(exist_ok=True)
        self.lake.remove(STAGING)
        for folder in (STAGING, ARCHIVE):
            self.lake.makedirs(folder)
        with self.connect() as con:
            existing: dict[str, set[str]] = {}
            for schema, table, column in con.execute(
                "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE NOT internal"
            ).fetchall():
                existing.setdefault(table if schema == "main" else f"{schema}.{table}", set()).add(column)
            try:
                upgrades = migrations(existing)
            except ValueError as exc:
                raise WarehouseError(str(exc)) from None
            for statement in upgrades + ddl():
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

    def known_paths(self) -> set[str]:
        with self.connect() as con:
            return {r[0] for r in con.execute("SELECT DISTINCT path FROM files").fetchall()}

    def known_file_ids(self) -> dict[str, str]:
        """file_id -> a path it was first seen at."""
        with self.connect() as con:
            return dict(con.execute("SELECT file_id, min(path) FROM files GROUP BY file_id").fetchall())

    def known_contents(self, excluding_files: Iterable[str] = ()) -> set[str]:
        """content_sha256 of every article already published or quarantined (except those of the
        given file ids)."""
        frame = pd.DataFrame({"file_id": list(excluding_files)}, dtype="string")
        with self.connect() as con:
            con.register("excluded_files", frame)
            rows = con.execute(
                f"SELECT content_sha256 FROM articles WHERE file_id NOT IN (SELECT file_id FROM "
                f"excluded_files) UNION "
                f"SELECT content_sha256 FROM {QUARANTINE_SCHEMA}.articles "
                f"WHERE file_id NOT IN (SELECT file_id FROM excluded_files)"
            ).fetchall()
        return {r[0] for r in rows}

    def raw_documents(
        self, since: str | None = None, files: Iterable[tuple[str, str]] | None = None, content: bool = True
    ) -> list[dict]:
        """Stored raw documents of the files that reached a batch (published or quarantined),
        ingested by runs started at or after `since` (ISO date or time) when given, and of the
        given (file_id, path) files only when given. content=False: every column but the
        documents' text (an index of what is stored, for planning batches)."""
        condition = "" if since is None else "AND f.run_id IN (SELECT run_id FROM runs WHERE started_at >= ?)"
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
                [since] if since else [],
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
    ) -> None:
        """Publish one audited batch atomically.

        quarantined: article_id -> reason. Rows of those articles go to quarantine.*, the rest
        to the published tables; ledger rows, the batch row, its stage timings (with the
        publish's own, up to its commit), quality rows and the batch's line statistics (added to
        the counts already there) in the same commit. Rows whose key already exists are skipped,
        so a retried batch adds nothing twice. skip: article ids that go nowhere (found to be
        duplicates at publish time). replace: the files' earlier article rows are deleted first.
        """
        started = time.perf_counter()
        staged = self._staged_tables(batch_id)
        reasons = pd.DataFrame(
            {"article_id": list(quarantined), REASON_COLUMN: list(quarantined.values())}, dtype="string"
        )
        skipped = pd.DataFrame({"article_id": list(skip)}, dtype="string")
        with self.connect() as con:
            con.register("quarantined_articles", reasons)
            con.register("skipped_articles", skipped)
            for table, arrow in staged.items():
                con.register(f"staged_{table}", arrow)
            con.execute("BEGIN TRANSACTION")
            try:
                if replace:
                    self._delete_file_rows(con, [r.file_id for r in files])
                for table in ARTICLE_TABLES:
                    cols = ", ".join(column_names(table))
                    source = f"staged_{table}"
                    con.execute(
                        f"INSERT OR IGNORE INTO {table} ({cols}) SELECT {cols} FROM {source} "
                        f"WHERE article_id NOT IN (SELECT article_id FROM quarantined_articles) "
                        f"AND article_id NOT IN (SELECT article_id FROM skipped_articles)"
                    )
                    con.execute(
                        f"INSERT INTO {QUARANTINE_SCHEMA}.{table} ({cols}, {REASON_COLUMN}) "
                        f"SELECT s.*, q.{REASON_COLUMN} FROM (SELECT {cols} FROM {source}) s "
                        f"JOIN quarantined_articles q USING (article_id)"
                    )
                self._insert_records(
                    con,
                    "files",
                    files,
                    on_conflict=(
                        "ON CONFLICT (file_id, path) DO UPDATE SET status = EXCLUDED.status, "
                        "reason = EXCLUDED.reason, "
                        "n_articles = EXCLUDED.n_articles, n_published = EXCLUDED.n_published, "
                        "n_quarantined = EXCLUDED.n_quarantined, n_duplicates = EXCLUDED.n_duplicates, "
                        "run_id = EXCLUDED.run_id, batch_id = EXCLUDED.batch_id"
                    )
                    if replace
                    else "",
                )
                self._insert_records(con, "raw_documents", raw_documents)
                self._insert_records(con, "quality_results", quality)
                self._insert_records(
                    con,
                    "line_stats",
                    line_stats,
                    on_conflict=(
                        "ON CONFLICT (source, line_key) DO UPDATE SET n_articles = n_articles + "
                        "EXCLUDED.n_articles"
                    ),
                )
                self._insert_records(con, "batches", [batch] if batch is not None else [])
                publish_time = StageTimingRecord(batch_id, "publish", round(time.perf_counter() - started, 4))
                self._insert_records(con, "stage_timings", [*timings, publish_time])  # last: up to the commit
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            finally:
                con.unregister("quarantined_articles")
                con.unregister("skipped_articles")
                for table in staged:
                    con.unregister(f"staged_{table}")
        self.lake.move((STAGING, batch_id), (ARCHIVE, batch_id))

    @staticmethod
    def _delete_file_rows(con: duckdb.DuckDBPyConnection, file_ids: list[str]) -> None:
        """Delete every article row (published and quarantined) of these files."""
        con.register("replaced_files", pd.DataFrame({"file_id": file_ids}, dtype="string"))
        try:
            for schema in ("main", QUARANTINE_SCHEMA):
                ids = (
                    f"SELECT article_id FROM {schema}.articles "
                    f"WHERE file_id IN (SELECT file_id FROM replaced_files)"
                )
                con.execute(f"CREATE OR REPLACE TEMP TABLE replaced_articles AS {ids}")
                for table in reversed(ARTICLE_TABLES):
                    con.execute(
                        f"DELETE FROM {schema}.{table} WHERE article_id IN (SELECT article_id FROM "
                        f"replaced_articles)"
                    )
        finally:
            con.unregister("replaced_files")

    def record_files(self, files: Iterable) -> None:
        """Ledger rows for files that reached no batch (rejected or duplicate), one commit."""
        with self.connect() as con:
            self._insert_records(con, "files", files)

    def record_run(self, run) -> None:
        with self.connect() as con:
            self._insert_records(con, "runs", [run])

    @staticmethod
    def _insert_records(
        con: duckdb.DuckDBPyConnection, table: str, records: Iterable, on_conflict: str = ""
    ) -> None:
        """Insert records; rows whose key exists are skipped, or handled by `on_conflict`."""
        rows = [asdict(r) for r in records]
        if not rows:
            return
        frame = pa.Table.from_pylist(rows, schema=arrow_schema(table))
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

    def table_counts(self) -> dict[str, int]:
        names = list(TABLES) + [f"{QUARANTINE_SCHEMA}.{t}" for t in ARTICLE_TABLES]
        counts: dict[str, int] = {}
        with self.connect(read_only=True) as con:
            for n in names:
                row = con.execute(f"SELECT count(*) FROM {n}").fetchone()
                assert row is not None  # count(*) always returns one row
                counts[n] = row[0]
            return counts
