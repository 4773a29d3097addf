"""Times as the warehouse keeps them: aware datetimes in UTC (TIMESTAMPTZ columns), and the one
rule that reads a time from text, shared by Python (a source's publication date, `wirehouse
reprocess --since`) and by DuckDB (an older warehouse's text upgraded in place,
warehouse.schema.migrations), so both read the same strings the same way.

The rule: an ISO 8601 date (2026-11-01, read as its midnight) or date and time (2026-11-01T08:00,
seconds and up to 6 fraction digits optional, `T` or a space between), with an offset (`Z`,
`+01`, `+0100`, `+01:00`) or without one, meaning UTC; years 1000 to 9999. Surrounding
spaces, tabs and line breaks are ignored. Anything else (yesterday, 11/01/2026, Nov. 3, 2021,
a weekday name) is not a time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
_OFFSET = r"(?:Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)"
# Written with [0-9] (Python's \d also matches other scripts' digits) for
# Python's re and DuckDB's RE2 alike.
ISO_TIME_PATTERN = rf"[1-9][0-9]{{3}}-[01][0-9]-[0-3][0-9](?:[T ]{_TIME}{_OFFSET}?)?"
_ISO_TIME = re.compile(ISO_TIME_PATTERN)
_BLANKS = " \t\n\r"
_BLANKS_SQL = "' ' || chr(9) || chr(10) || chr(13)"


def parse_time(text: str | None) -> datetime | None:
    """The time `text` names by the rule above, as an aware datetime in UTC; None when it names
    none (or names a day that does not exist, such as 2026-02-30)."""
    if text is None:
        return None
    text = text.strip(_BLANKS)
    if not _ISO_TIME.fullmatch(text):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso_time_sql(column: str) -> str:
    """DuckDB's reading of a VARCHAR column by the same rule: a TIMESTAMPTZ, or NULL (needs the
    connection's TimeZone to be UTC, as Warehouse.connect sets it, for text without an offset)."""
    text = f"trim({column}, {_BLANKS_SQL})"
    matches = f"regexp_full_match({text}, '{ISO_TIME_PATTERN}')"
    return f"CASE WHEN {matches} THEN TRY_CAST({text} AS TIMESTAMPTZ) END"
