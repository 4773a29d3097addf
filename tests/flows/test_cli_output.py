"""What `wirehouse sql` and `wirehouse quarantine` print, called in-process (typer's CliRunner)
on a real warehouse: text from the data that looks like Rich markup is printed as it is, CSV
output is exact unless --excel-safe is asked for, and refused statements are one line."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from flows.cli import app
from transforms.records import ArticleRecord
from warehouse.schema import column_names
from warehouse.store import Warehouse

MARKUP = "[/bold] [link=http://x]y[/link] [red]:thumbs_up:"


def article(aid: str, title: str, source_uri: str) -> ArticleRecord:
    body = "The depot opens in May."
    return ArticleRecord(aid, "f" * 64, 0, source_uri, None, title, None, None, body, len(body), 0, f"c{aid}",
                         "b1", "r1", "en", "/in")


@pytest.fixture()
def warehouse(tmp_path) -> Warehouse:
    """One published article and one held back, both with markup-like text in their title, the
    held one also in its path and its quarantine reason."""
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    wh.stage("b1", {"articles": [article("a1", f"Title {MARKUP}", "/in/a1.txt"),
                                 article("a2", f"Held {MARKUP}", "/in/[red]a2.txt")]})
    wh.publish("b1", {"a2": "[bold]articles.rule"}, [], None, [])
    return wh


def wirehouse(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def test_sql_table_prints_markup_like_values_as_they_are(warehouse):
    result = wirehouse("sql", "select title as \"[bold]t[/]\" from articles", "-w", str(warehouse.root))
    assert result.exit_code == 0, result.output
    lines = [line.strip(" │┃") for line in result.stdout.splitlines()]
    assert "[bold]t[/]" in lines
    assert f"Title {MARKUP}" in lines
    assert lines[-1] == "1 row"


def test_quarantine_list_prints_markup_like_values_as_they_are(warehouse):
    result = wirehouse("quarantine", "list", "-w", str(warehouse.root))
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "a2" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == [
        "article", "a2", "/in/[red]a2.txt", f"Held {MARKUP}", "[bold]articles.rule", "pending"]


def test_quarantine_show_and_errors_print_markup_like_values_as_they_are(warehouse):
    shown = wirehouse("quarantine", "show", "a2", "-w", str(warehouse.root))
    assert shown.exit_code == 0, shown.output
    assert f"  title: Held {MARKUP}" in shown.stdout.splitlines()
    missing = wirehouse("quarantine", "drop", "[/bold]", "-w", str(warehouse.root))
    assert missing.exit_code == 2
    assert missing.stderr == "error: nothing quarantined has the id '[/bold]' (see `wirehouse quarantine list`)\n"


def test_sql_errors_print_the_query_text_as_it_is(warehouse):
    result = wirehouse("sql", 'select "[/bold]" from articles', "-w", str(warehouse.root))
    assert result.exit_code == 2
    assert result.stderr == ('error: Binder Error: Referenced column "[/bold]" not found in FROM clause!\n'
                             'Candidate bindings: "body", "published", "published_raw", "file_id", "batch_id"\n')


def test_sql_errors_are_duckdb_s_whole_message(warehouse):
    """Its "Did you mean", and the query line with the caret under where parsing stopped."""
    typo = wirehouse("sql", "select title from articel", "-w", str(warehouse.root))
    assert typo.exit_code == 2
    assert typo.stderr == 'error: Catalog Error: Table with name articel does not exist!\nDid you mean "articles"?\n'
    syntax = wirehouse("sql", "selec title from articles", "-w", str(warehouse.root))
    assert syntax.exit_code == 2
    assert syntax.stderr == ('error: Parser Error: syntax error at or near "selec"\n\n'
                             'LINE 1: selec title from articles\n        ^^^^^\n')


VALUES_QUERY = r"""select [1, 2] as ints, ['a', null] as texts, null::integer as nothing, '\x00ab\xFF'::blob as bytes,
    {'k': 1, 'v': 'x'} as pair, 1.50::decimal(5, 2) as price, date '2026-11-01' as day,
    timestamptz '2026-11-01 08:00:00+00' as at"""


def test_sql_table_shows_values_as_sql_does(warehouse):
    """Lists as [1, 2], NULL as NULL, BLOBs escaped, structs, decimals with their scale, dates
    as dates; times with a time zone in ISO 8601. CSV and JSON keep their own forms."""
    result = wirehouse("sql", VALUES_QUERY, "-w", str(warehouse.root))
    assert result.exit_code == 0, result.output
    rows = [[c.strip() for c in line.strip()[1:-1].split("│")] for line in result.stdout.splitlines()
            if line.startswith("│")]
    assert rows == [["[1, 2]", "[a, NULL]", "NULL", r"\x00ab\xFF", "{'k': 1, 'v': x}", "1.50", "2026-11-01",
                     "2026-11-01T08:00:00+00:00"]]
    as_json = wirehouse("sql", "select [1, 2] as ints, null::integer as nothing", "-w", str(warehouse.root),
                        "-f", "json")
    assert json.loads(as_json.stdout) == [{"ints": [1, 2], "nothing": None}]


def test_a_wide_result_is_shown_a_column_a_line(warehouse):
    """`select * from articles` is wider than the console: each row becomes a block of
    `column | value` lines (a long value cut with its length, a body's paragraphs on lines of
    their own) instead of a table squeezed into columns a few characters wide."""
    with warehouse.connect() as con:
        con.execute("update articles set body = 'First paragraph.' || chr(10) || repeat('x', 500)")
    result = CliRunner().invoke(app, ["sql", "select * from articles", "-w", str(warehouse.root)],
                                env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    names = [line.split(" | ")[0].strip() for line in lines if " | " in line and not line.startswith(" ")]
    assert names == column_names("articles")  # every column, in order
    assert lines[0] == "-[ row 1 ]----------"
    assert "title            | Title [/bold] [link=http://x]y[/link] [red]:thumbs_up:" in lines
    assert "url              | NULL" in lines
    body = lines.index("body             | First paragraph.")
    assert lines[body + 1] == "                 | " + "x" * 383 + "… (517 chars)"
    # the row's header, a line per column, the body's second line, "1 row"
    assert lines[-1] == "1 row" and len(lines) == len(column_names("articles")) + 3
    narrow = CliRunner().invoke(app, ["sql", "select article_id, n_chars from articles", "-w",
                                      str(warehouse.root)], env={"COLUMNS": "80"})
    assert "│ a1         │ 23      │" in narrow.stdout.splitlines()  # a narrow one stays a table


def test_output_off_a_terminal_is_not_wrapped_at_80_columns(warehouse, tmp_path):
    """Piped to a file (no terminal, no $COLUMNS): a long path or message stays on one line."""
    deep = tmp_path / ("a-folder-with-a-long-name-" * 4) / "wh"
    wh = Warehouse(deep)
    wh.initialise()
    result = CliRunner().invoke(app, ["report", "-w", str(deep)], env={"COLUMNS": None})
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{deep / 'reports' / 'quality.html'}\n" and len(result.stdout) > 120
    missing = CliRunner().invoke(app, ["sql", f"select * from {'x' * 100}", "-w", str(deep)],
                                 env={"COLUMNS": None})
    assert missing.stderr.splitlines()[0] == f"error: Catalog Error: Table with name {'x' * 100} does not exist!"


CSV_QUERY = """select * from (values
    (1, '=1+2', 'plain'), (2, '+33 1', '-3'), (3, '@SUM(A1)', 'a=b'), (4, e'\\tx', e'\\ry'), (5, null, '')
) t(n, "=name", v) order by n"""


def test_csv_is_exact_by_default(warehouse):
    result = wirehouse("sql", CSV_QUERY, "-w", str(warehouse.root), "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == 'n,=name,v\n1,=1+2,plain\n2,+33 1,-3\n3,@SUM(A1),a=b\n4,\tx,\ry\n5,,\n'


def test_csv_excel_safe_quotes_what_a_spreadsheet_would_run(warehouse):
    result = wirehouse("sql", CSV_QUERY, "-w", str(warehouse.root), "-f", "csv", "--excel-safe")
    assert result.exit_code == 0, result.output
    # Text cells only: the number 2 stays a number; -3 here is text, so it is quoted.
    assert result.stdout == "n,'=name,v\n1,'=1+2,plain\n2,'+33 1,'-3\n3,'@SUM(A1),a=b\n4,'\tx,'\ry\n5,,\n"
    numbers = wirehouse("sql", "select -2 as n", "-w", str(warehouse.root), "-f", "csv", "--excel-safe")
    assert numbers.stdout == "n\n-2\n"
    table = wirehouse("sql", "select 1", "-w", str(warehouse.root), "--excel-safe")
    assert table.exit_code == 2 and table.stderr == "error: --excel-safe applies to --format csv only\n"


def test_sql_refusals_are_one_line(warehouse, tmp_path):
    target = tmp_path / "out.csv"
    copy = wirehouse("sql", f"select 1; copy articles to '{target}'", "-w", str(warehouse.root))
    assert copy.exit_code == 2
    assert copy.stderr == "error: wirehouse sql runs read-only queries; COPY statements are not allowed\n"
    assert not target.exists()
    (tmp_path / "local.csv").write_text("a\n1\n", encoding="utf-8")
    query = f"select a from read_csv('{tmp_path / 'local.csv'}')"
    refused = wirehouse("sql", query, "-w", str(warehouse.root))
    assert refused.exit_code == 2
    assert refused.stderr == (
        f'error: Permission Error: Cannot access file "{tmp_path / "local.csv"}" - file system operations are '
        "disabled by configuration (reading local files needs --allow-local-files)\n")
    allowed = wirehouse("sql", query, "-w", str(warehouse.root), "--allow-local-files", "-f", "csv")
    assert allowed.exit_code == 0 and allowed.stdout == "a\n1\n"


@pytest.mark.parametrize("since", ["yesterday", "11/01/2026"])
def test_reprocess_since_refuses_what_is_not_an_iso_date_or_time_before_doing_anything(tmp_path, since):
    nowhere = tmp_path / "nowhere"  # checked later: the warehouse's absence would be the error otherwise
    result = wirehouse("reprocess", "--since", since, "-w", str(nowhere))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --since takes an ISO 8601 date or time (2026-11-01, 2026-11-01T08:00, 2026-11-01T08:00+01:00), "
        f"not '{since}'\n")
    assert result.stdout == "" and not nowhere.exists()


def test_sql_prints_times_in_iso_8601_utc(warehouse):
    from datetime import UTC, datetime, timedelta, timezone

    from transforms.records import RunRecord

    started = datetime(2026, 11, 1, 9, 0, 5, 250000, tzinfo=timezone(timedelta(hours=1)))  # stored as an instant
    warehouse.record_run(RunRecord("r1", None, started, None, "/in", "running", 0, 0, 0, 0, 0))
    warehouse.record_run(RunRecord("r2", None, datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
                                   datetime(2026, 11, 2, 8, 1, 30, tzinfo=UTC), "/in", "completed", 1, 1, 0, 0, 0))
    query = "select run_id, started_at, finished_at from runs order by run_id"
    as_json = wirehouse("sql", query, "-w", str(warehouse.root), "-f", "json")
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == [
        {"run_id": "r1", "started_at": "2026-11-01T08:00:05.250000+00:00", "finished_at": None},
        {"run_id": "r2", "started_at": "2026-11-02T08:00:00+00:00", "finished_at": "2026-11-02T08:01:30+00:00"},
    ]
    as_csv = wirehouse("sql", query, "-w", str(warehouse.root), "-f", "csv")
    assert as_csv.stdout == ("run_id,started_at,finished_at\nr1,2026-11-01T08:00:05.250000+00:00,\n"
                             "r2,2026-11-02T08:00:00+00:00,2026-11-02T08:01:30+00:00\n")
    as_table = wirehouse("sql", query, "-w", str(warehouse.root))
    cells = [[c.strip() for c in line.strip()[1:-1].split("│")] for line in as_table.stdout.splitlines()
             if line.startswith("│ r")]
    assert cells == [["r1", "2026-11-01T08:00:05.250000+00:00", "NULL"],
                     ["r2", "2026-11-02T08:00:00+00:00", "2026-11-02T08:01:30+00:00"]]
    # DuckDB's own time arithmetic works on the columns as they are: no casts.
    took = wirehouse("sql", "select finished_at - started_at as took from runs where run_id = 'r2'", "-w",
                     str(warehouse.root), "-f", "csv")
    assert took.stdout == "took\n0 days 00:01:30\n"


def test_quarantine_show_prints_a_held_article_s_times(warehouse):
    import re

    from warehouse.review import decide

    with warehouse.connect() as con:
        con.execute("update quarantine.articles set published = '2024-03-02 10:30:00+00', "
                    "published_raw = 'March 2, 2024 10:30 GMT' where article_id = 'a2'")
    decide(warehouse, "a2", "dropped", "stub")
    shown = wirehouse("quarantine", "show", "a2", "-w", str(warehouse.root))
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert "  published: 2024-03-02T10:30:00+00:00" in lines
    assert "  published_raw: March 2, 2024 10:30 GMT" in lines
    decided = [line for line in lines if line.startswith("  decided_at: ")]
    assert len(decided) == 1 and re.fullmatch(r"  decided_at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00",
                                              decided[0])
