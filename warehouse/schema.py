"""Arrow and DuckDB schemas derived from the records in transforms/records.py (never retyped)."""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime
from functools import cache

import pyarrow as pa

from transforms.records import ARTICLE_TABLES, TABLES
from transforms.times import iso_time_sql

# A record field's Python type -> its Arrow type (staged Parquet) and DuckDB type. A time is an
# instant: TIMESTAMPTZ, shown in UTC by the warehouse's connections (Warehouse.connect).
_ARROW = {
    str: pa.string(),
    int: pa.int64(),
    bool: pa.bool_(),
    float: pa.float64(),
    datetime: pa.timestamp("us", tz="UTC"),
    bytes: pa.binary(),
}
_DUCKDB = {
    str: "VARCHAR",
    int: "BIGINT",
    bool: "BOOLEAN",
    float: "DOUBLE",
    datetime: "TIMESTAMPTZ",
    bytes: "BLOB",
}

# Primary keys: what makes a row unique (rerunning the same input adds no rows).
KEYS: dict[str, tuple[str, ...]] = {
    "files": ("file_id", "path"),
    "runs": ("run_id",),
    "batches": ("batch_id",),
    "stage_timings": ("batch_id", "stage"),
    "articles": ("article_id",),
    "paragraphs": ("article_id", "paragraph_index"),
    "sentences": ("article_id", "sentence_index"),
    "entities": ("article_id", "entity_id"),
    "mentions": ("article_id", "mention_index"),
    "quotes": ("quote_id",),
    "residue": ("article_id", "line_no", "start_in_line"),
    "quality_results": ("run_id", "batch_id", "expectation"),
    "line_stats": ("source", "line_key"),
    "quarantine_decisions": ("decision_id",),
    "raw_documents": ("file_id", "record_index"),
    "minhashes": ("article_id",),
    "copies": ("article_id",),
}
QUARANTINE_SCHEMA = "quarantine"
REASON_COLUMN = "reason"
# Older versions of articles (transforms.copies): the article tables' rows they had, and when and
# by which article they were replaced.
HISTORY_SCHEMA = "history"
HISTORY_COLUMNS = (("superseded_at", "TIMESTAMPTZ NOT NULL"), ("superseded_by", "VARCHAR NOT NULL"))


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    python_type: type
    nullable: bool
    doc: str
    backfill: str | None = None  # what existing rows get when a migration adds the column
    text_column: str | None = None  # a time read from a source's text: the column keeping the text


@cache
def columns_of(table: str) -> tuple[Column, ...]:
    record = TABLES[table]
    hints = typing.get_type_hints(record)
    result = []
    for f in dataclasses.fields(record):
        hint = hints[f.name]
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        nullable = bool(typing.get_args(hint)) and type(None) in typing.get_args(hint)
        base = args[0] if nullable else hint
        result.append(
            Column(
                f.name,
                base,
                nullable,
                f.metadata.get("doc", ""),
                f.metadata.get("backfill"),
                f.metadata.get("text_column"),
            )
        )
    return tuple(result)


def column_names(table: str) -> list[str]:
    return [c.name for c in columns_of(table)]


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema(
        [pa.field(c.name, _ARROW[c.python_type], nullable=c.nullable) for c in columns_of(table)]
    )


def create_table_sql(table: str, schema: str | None = None, name: str | None = None) -> str:
    """CREATE TABLE for a record's table (name: under another name, as a rebuild does)."""
    cols = [
        f"{c.name} {_DUCKDB[c.python_type]}{'' if c.nullable else ' NOT NULL'}" for c in columns_of(table)
    ]
    qualified = f"{schema}.{name or table}" if schema else name or table
    if schema == QUARANTINE_SCHEMA:
        cols.append(f"{REASON_COLUMN} VARCHAR NOT NULL")
    elif schema == HISTORY_SCHEMA:
        cols += [f"{name} {sql}" for name, sql in HISTORY_COLUMNS]
    else:
        cols.append(f"PRIMARY KEY ({', '.join(KEYS[table])})")
    return f"CREATE TABLE IF NOT EXISTS {qualified} ({', '.join(cols)})"


# Views over the published tables: (name, what a row is, columns with docs, SQL).
VIEWS: list[tuple[str, str, list[tuple[str, str]], str]] = [
    (
        "quote_clusters",
        "One quotation as it recurs across articles (wire copy, syndication), as Quotebank clusters them: "
        "direct and partial quotes grouped by their normalised text (lowercase, punctuation and "
        "spacing removed).",
        [
            ("cluster_key", "the normalised text"),
            ("text", "the quotation as first published"),
            (
                "speakers",
                "distinct speakers the quotation was attributed to (more than one flags a conflict)",
            ),
            ("n_quotes", "quote rows in the cluster"),
            ("n_articles", "articles quoting it"),
            ("n_sources", "distinct sources (articles.source) quoting it"),
            ("first_seen", "earliest publication time of the articles quoting it (articles.published)"),
            ("first_ingested_run", "the first run that published it"),
        ],
        """
        SELECT cluster_key,
               arg_min(q.text, a.run_id) AS text,
               list(DISTINCT q.speaker ORDER BY q.speaker) FILTER (WHERE q.speaker IS NOT NULL) AS speakers,
               count(*) AS n_quotes,
               count(DISTINCT q.article_id) AS n_articles,
               count(DISTINCT a.source) AS n_sources,
               min(a.published) AS first_seen,
               min(a.run_id) AS first_ingested_run
        FROM (SELECT *, trim(regexp_replace(regexp_replace(lower(text), '[^[:alnum:][:space:]]', '', 'g'),
                                            '[[:space:]]+', ' ', 'g')) AS cluster_key
              FROM quotes WHERE kind <> 'indirect') q
        JOIN articles a USING (article_id)
        GROUP BY cluster_key
        """,
    ),
    (
        "speaker_links",
        "One person entity that speaks in some quote, linked across articles to the one canonical entity "
        "the warehouse knows for it: a variant of a full name (same first and last word: Paul D. Ryan, "
        "Paul Ryan) links to the variant mentioned most; a surname alone (Ryan) links to the full name "
        "when exactly one person in the warehouse has that surname, and is left unlinked (ambiguous) "
        "when several do.",
        [
            ("entity_id", "quotes.speaker_entity_id (a PERSON entity)"),
            ("name", "its name (entities.name)"),
            ("linked_entity_id", "the canonical entity's id; null when ambiguous"),
            ("linked_name", "the canonical entity's name; null when ambiguous"),
            (
                "link",
                "self (it is the canonical entity), variant (another spelling of a full name), surname "
                "(a surname alone, one candidate), ambiguous (a surname several people share: unlinked), "
                "unknown (a single name no full name in the warehouse ends with: itself)",
            ),
            ("n_candidates", "full names (canonical entities) the name could stand for"),
        ],
        """
        WITH persons AS (
            SELECT entity_id, any_value(name) AS name, sum(n_mentions) AS n_mentions
            FROM entities WHERE label = 'PERSON' GROUP BY entity_id),
        named AS (
            SELECT *, lower(string_split(name, ' ')[1]) AS first_word,
                   lower(string_split(name, ' ')[-1]) AS last_word,
                   len(string_split(name, ' ')) AS n_words
            FROM persons),
        canonical AS (
            SELECT first_word, last_word,
                   first(entity_id ORDER BY n_mentions DESC, name) AS canonical_id,
                   first(name ORDER BY n_mentions DESC, name) AS canonical_name
            FROM named WHERE n_words > 1 GROUP BY first_word, last_word),
        surnames AS (
            SELECT last_word, count(*) AS n_candidates,
                   any_value(canonical_id) AS canonical_id, any_value(canonical_name) AS canonical_name
            FROM canonical GROUP BY last_word),
        speakers AS (SELECT DISTINCT speaker_entity_id AS entity_id FROM quotes
                     WHERE speaker_entity_id IS NOT NULL)
        SELECT n.entity_id, n.name,
               CASE WHEN n.n_words > 1 THEN c.canonical_id
                    WHEN s.n_candidates = 1 THEN s.canonical_id
                    WHEN s.n_candidates IS NULL THEN n.entity_id END AS linked_entity_id,
               CASE WHEN n.n_words > 1 THEN c.canonical_name
                    WHEN s.n_candidates = 1 THEN s.canonical_name
                    WHEN s.n_candidates IS NULL THEN n.name END AS linked_name,
               CASE WHEN n.n_words > 1 AND c.canonical_id = n.entity_id THEN 'self'
                    WHEN n.n_words > 1 THEN 'variant'
                    WHEN s.n_candidates = 1 THEN 'surname'
                    WHEN s.n_candidates > 1 THEN 'ambiguous'
                    ELSE 'unknown' END AS link,
               CASE WHEN n.n_words > 1 THEN 1 ELSE coalesce(s.n_candidates, 0) END AS n_candidates
        FROM named n JOIN speakers USING (entity_id)
        LEFT JOIN canonical c ON n.n_words > 1 AND c.first_word = n.first_word AND c.last_word = n.last_word
        LEFT JOIN surnames s ON n.n_words = 1 AND s.last_word = n.last_word
        """,
    ),
    (
        "speaker_stats",
        "Quotes per speaker, with a person's quotes counted under the linked canonical entity "
        "(speaker_links); other speakers (organisations, unlinked or ambiguous names, descriptions) "
        "under their own entity, or their name when they have none.",
        [
            ("speaker_entity_id", "the linked entity's id (null for a speaker no entity stands for)"),
            ("speaker", "the linked entity's name, else the speaker as in quotes.speaker"),
            ("n_quotes", "quotes attributed to the speaker (all kinds)"),
            ("n_quotations", "of them direct or partial quotations"),
            ("n_articles", "articles quoting the speaker"),
            ("names", "the distinct speaker names linked together"),
        ],
        """
        SELECT coalesce(l.linked_entity_id, q.speaker_entity_id) AS speaker_entity_id,
               coalesce(l.linked_name, q.speaker) AS speaker,
               count(*) AS n_quotes,
               count(*) FILTER (WHERE q.kind IN ('direct', 'partial')) AS n_quotations,
               count(DISTINCT q.article_id) AS n_articles,
               list(DISTINCT q.speaker ORDER BY q.speaker) AS names
        FROM quotes q LEFT JOIN speaker_links l ON l.entity_id = q.speaker_entity_id
        WHERE q.speaker IS NOT NULL
        GROUP BY 1, 2
        """,
    ),
]


@dataclasses.dataclass(frozen=True)
class ExistingColumn:
    """A column as an existing warehouse has it (DuckDB's duckdb_columns())."""

    nullable: bool
    type: str  # DuckDB's name for it: VARCHAR, BIGINT, TIMESTAMP WITH TIME ZONE, ...


def migrations(existing: dict[str, dict[str, ExistingColumn]]) -> list[str]:
    """Statements upgrading an older warehouse in place (existing: qualified table name -> its
    columns): columns that newer records have are added (nullable, or required with their
    backfill value for the rows already there), columns that became nullable lose NOT NULL, a
    table whose primary key gained a column is rebuilt (_rebuilt), the per-stage
    `batches.seconds_<stage>` columns of older versions move to stage_timings, and the VARCHAR
    times of versions before times were typed become TIMESTAMPTZ (_to_time: a source's text is
    kept whole, Wirehouse's own ISO 8601 times must all read as times). Run them in one
    transaction: a statement that fails leaves the warehouse as it was."""
    statements = []
    retired = sorted(c for c in existing.get("batches", {}) if c.startswith("seconds_"))
    if retired:
        statements.append(create_table_sql("stage_timings"))
        statements.append(
            "INSERT OR IGNORE INTO stage_timings (batch_id, stage, seconds) "
            "SELECT batch_id, replace(stage, 'seconds_', ''), seconds FROM "
            f"(UNPIVOT batches ON {', '.join(retired)} INTO NAME stage VALUE seconds)"
        )
        statements += [f"ALTER TABLE batches DROP COLUMN {c}" for c in retired]
    targets = [(t, t) for t in TABLES] + [
        (f"{schema}.{t}", t) for schema in (QUARANTINE_SCHEMA, HISTORY_SCHEMA) for t in ARTICLE_TABLES
    ]
    for qualified, table in targets:
        if qualified not in existing:
            continue
        have = existing[qualified]
        if qualified == table and not set(KEYS[table]) <= set(have):
            statements += _rebuilt(table, have)
            continue
        retyped = []  # after the columns are added: a time's text column must be there
        for c in columns_of(table):
            alter = f"ALTER TABLE {qualified} ALTER COLUMN {c.name}"
            if c.name in have:
                if c.nullable and not have[c.name].nullable:
                    statements.append(f"{alter} DROP NOT NULL")
                if c.python_type is datetime and have[c.name].type == "VARCHAR":
                    retyped += _to_time(qualified, c)
            elif c.nullable:
                statements.append(f"ALTER TABLE {qualified} ADD COLUMN {c.name} {_DUCKDB[c.python_type]}")
            elif c.backfill is not None:
                statements += [
                    f"ALTER TABLE {qualified} ADD COLUMN {c.name} {_DUCKDB[c.python_type]} "
                    f"DEFAULT {_sql_literal(c.backfill)}",
                    f"{alter} SET NOT NULL",
                    f"{alter} DROP DEFAULT",
                ]
            else:
                raise ValueError(
                    f"{qualified} lacks the required column {c.name}: the warehouse is too old to "
                    "upgrade in place; ingest into a new warehouse directory"
                )
        statements += retyped
    return statements


def _to_time(qualified: str, c: Column) -> list[str]:
    """Statements turning a VARCHAR column of times into TIMESTAMPTZ. A time read from a source's
    text (c.text_column: articles.published) first copies the text to its text column, where it
    stays whole, then keeps the time the text names by transforms.times' rule (the one new rows
    are read by), null when it names none. Any other column holds times Wirehouse wrote itself
    (ISO 8601 with an offset): DuckDB reads every value as a time, or the first statement stops
    the upgrade, naming the column and a value, before anything changed."""
    retype = f"ALTER TABLE {qualified} ALTER COLUMN {c.name} SET DATA TYPE TIMESTAMPTZ USING"
    if c.text_column is not None:
        return [
            f"UPDATE {qualified} SET {c.text_column} = coalesce({c.text_column}, {c.name})",
            f"{retype} {iso_time_sql(c.name)}",
        ]
    return [
        f"SELECT error(format('{qualified}.{c.name} holds {{}} value(s) that name no time, such as "
        f"''{{}}'': correct them (an ISO 8601 time) and run again; nothing was changed', "
        f"count(*), min({c.name}))) FROM {qualified} "
        f"WHERE {c.name} IS NOT NULL AND TRY_CAST({c.name} AS TIMESTAMPTZ) IS NULL HAVING count(*) > 0",
        f"{retype} CAST({c.name} AS TIMESTAMPTZ)",
    ]


def _rebuilt(table: str, existing: dict[str, ExistingColumn]) -> list[str]:
    """Statements rebuilding a table whose primary key gained a column (DuckDB cannot change a
    key in place), within the upgrade's transaction: the table created anew under another name, the rows
    copied (an added column taking its backfill value, or null), the old table dropped and the
    new one renamed."""
    rebuilt = f"{table}__rebuilt"
    values = []
    for c in columns_of(table):
        if c.name in existing:
            values.append(c.name)
        elif c.nullable or c.backfill is not None:
            values.append("NULL" if c.backfill is None else _sql_literal(c.backfill))
        else:
            raise ValueError(
                f"{table} lacks the required column {c.name}: the warehouse is too old to "
                "upgrade in place; ingest into a new warehouse directory"
            )
    return [
        create_table_sql(table, name=rebuilt),
        f"INSERT INTO {rebuilt} ({', '.join(column_names(table))}) SELECT {', '.join(values)} FROM {table}",
        f"DROP TABLE {table}",
        f"ALTER TABLE {rebuilt} RENAME TO {table}",
    ]


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def ddl() -> list[str]:
    statements = [create_table_sql(t) for t in TABLES]
    statements.append(f"CREATE SCHEMA IF NOT EXISTS {QUARANTINE_SCHEMA}")
    statements += [create_table_sql(t, QUARANTINE_SCHEMA) for t in ARTICLE_TABLES]
    statements.append(f"CREATE SCHEMA IF NOT EXISTS {HISTORY_SCHEMA}")
    statements += [create_table_sql(t, HISTORY_SCHEMA) for t in ARTICLE_TABLES]
    statements += [f"CREATE OR REPLACE VIEW {name} AS {sql}" for name, _, _, sql in VIEWS]
    return statements


def tables_markdown() -> str:
    """docs/tables.md: every table and column with its documentation."""
    lines = [
        "# Warehouse tables",
        "",
        "Generated from `transforms/records.py` by `python -m warehouse.schema` (a test checks it "
        "is current).",
        "Offsets are half-open `[start_char, end_char)` positions in `articles.body`.",
        "Times are TIMESTAMPTZ (TIMESTAMP WITH TIME ZONE: instants); Wirehouse's connections, "
        "`wirehouse sql` included, show them in UTC.",
        "",
    ]
    for table, record in TABLES.items():
        assert record.__doc__ is not None  # every record class is documented
        lines += [f"## `{table}`", "", record.__doc__.strip().splitlines()[0], ""]
        lines += [
            f"Key: `({', '.join(KEYS[table])})`",
            "",
            "| column | type | null | meaning |",
            "|---|---|---|---|",
        ]
        for c in columns_of(table):
            lines.append(
                f"| `{c.name}` | {_DUCKDB[c.python_type]} | {'yes' if c.nullable else 'no'} | {c.doc} |"
            )
        lines.append("")
    lines += [
        f"## `{QUARANTINE_SCHEMA}.*`",
        "",
        "`" + "`, `".join(f"{QUARANTINE_SCHEMA}.{t}" for t in ARTICLE_TABLES) + "` have the columns of the "
        f"published table of the same name plus `{REASON_COLUMN}` (VARCHAR): the failed "
        f"expectation rule ids, "
        "`; `-separated (e.g. `quotes.speaker_not_null`). Every row of a quarantined article lands there, "
        "none in the published tables.",
        "",
        f"## `{HISTORY_SCHEMA}.*`",
        "",
        "`" + "`, `".join(f"{HISTORY_SCHEMA}.{t}" for t in ARTICLE_TABLES) + "` have the columns of the "
        "published table of the same name plus `superseded_at` (TIMESTAMPTZ: when a newer version "
        "replaced the article) and `superseded_by` (VARCHAR: the article_id of the version that "
        "replaced it). An article moves here, every row of it, when a newer article with the same "
        "`version_key` is published: a changed file, a JSON Lines record with the same URL. The "
        "published tables hold one version of each document, so counts over them never double.",
        "",
    ]
    for name, what, cols, _ in VIEWS:
        lines += [f"## `{name}` (view)", "", what, "", "| column | meaning |", "|---|---|"]
        lines += [f"| `{c}` | {doc} |" for c, doc in cols]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(tables_markdown(), end="")
