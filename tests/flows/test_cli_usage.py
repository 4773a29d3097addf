"""How `wirehouse` answers a user's mistakes and `--help`, called in-process (typer's CliRunner):
a bad or misspelt setting, a schedule that is not one, each one `error:` line with exit code 2
before anything else is printed or started; help without Python types or broken lines."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

PROJECT = Path(__file__).resolve().parents[2]


def wirehouse(*args: str, env: dict | None = None):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250", **(env or {})})


@pytest.mark.parametrize("variable, value, message", [
    ("WIREHOUSE_BATCH_SIZE", "abc",
     "WIREHOUSE_BATCH_SIZE='abc': Input should be a valid integer, unable to parse string as an integer"),
    ("WIREHOUSE_BATCH_SIZE", "0", "WIREHOUSE_BATCH_SIZE='0': Input should be greater than or equal to 1"),
    ("WIREHOUSE_LANGUAGES", "english", "WIREHOUSE_LANGUAGES='english': 'english' is not a two-letter ISO 639-1 "
     "code such as en or de"),
    ("WIREHOUSE_LANGUAGES", '["en", 5]', "WIREHOUSE_LANGUAGES='[\"en\", 5]': 5 is not a two-letter ISO 639-1 "
     "code such as en or de"),
    ("WIREHOUSE_BATCH_SIZ", "3", "unknown setting WIREHOUSE_BATCH_SIZ (did you mean WIREHOUSE_BATCH_SIZE?)"),
    ("WIREHOUSE_LANGUAGE", "de", "unknown setting WIREHOUSE_LANGUAGE (did you mean WIREHOUSE_LANGUAGES?)"),
    ("wirehouse_top_speaker", "3", "unknown setting wirehouse_top_speaker (did you mean WIREHOUSE_TOP_SPEAKERS?)"),
    ("WIREHOUSE_COLOUR", "red", "unknown setting WIREHOUSE_COLOUR (the README's Settings table lists them)"),
])
@pytest.mark.parametrize("command", [["run", str(PROJECT / "examples" / "dumps")], ["sql", "select 1"],
                                     ["serve", str(PROJECT / "examples"), "--interval", "60"]])
def test_a_bad_or_unknown_setting_is_one_line_before_anything_starts(tmp_path, command, variable, value, message):
    result = wirehouse(*command, "-w", str(tmp_path / "wh"), env={variable: value})
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"
    assert result.stdout == "" and not (tmp_path / "wh").exists()


@pytest.mark.parametrize("value, codes", [("en", ["en"]), ("en,de", ["en", "de"]), (" en , de ", ["en", "de"]),
                                          ('["en", "fr"]', ["en", "fr"])])
def test_languages_are_codes_separated_by_commas_or_a_json_list(monkeypatch, value, codes):
    from flows.settings import load_settings

    monkeypatch.setenv("WIREHOUSE_LANGUAGES", value)
    assert load_settings().languages == codes


@pytest.mark.parametrize("schedule, message", [
    (["--cron", "every minute"], '--cron takes a cron expression of five fields (minute hour day month weekday), '
     'e.g. "*/15 * * * *" for every 15 minutes, not \'every minute\''),
    (["--cron", "61 * * * *"], '--cron takes a cron expression of five fields (minute hour day month weekday), '
     'e.g. "*/15 * * * *" for every 15 minutes, not \'61 * * * *\''),
    (["--interval", "-5"], "--interval takes a number of seconds above 0, not -5"),
    (["--interval", "0"], "--interval takes a number of seconds above 0, not 0"),
    (["--interval", "inf"], "--interval takes a number of seconds above 0, not inf"),
    ([], "give exactly one of --cron or --interval"),
    (["--cron", "* * * * *", "--interval", "5"], "give exactly one of --cron or --interval"),
])
def test_serve_refuses_a_schedule_that_is_not_one_before_serving(tmp_path, schedule, message):
    result = wirehouse("serve", str(tmp_path), *schedule, "-w", str(tmp_path / "wh"))
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"
    assert result.stdout == ""  # no "serving ..." line


COMMANDS = [[], ["run"], ["reprocess"], ["serve"], ["sql"], ["report"], ["quarantine"], ["quarantine", "list"],
            ["quarantine", "show"], ["quarantine", "release"], ["quarantine", "drop"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_values_plainly(command):
    """No Python types (<bool>, <list[Path]>, <path>), no argument in braces, each docstring
    paragraph on one line (at 250 columns no description wraps)."""
    result = wirehouse(*command, "--help")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert not re.search(r"<\w[^>]*>", text), text
    assert not re.search(r"\{\w+\}", text), text
    if command:
        usage = next(line for line in text.splitlines() if "Usage:" in line)
        assert usage.split("Usage: ", 1)[1].split(" [OPTIONS]")[0].endswith(" ".join(command))


def test_help_says_what_each_command_and_value_is():
    serve = wirehouse("serve", "--help").stdout
    assert "Ingest LANDING on a schedule, given by exactly one of --cron or --interval:" in serve
    for option, value in [("--cron", "CRON"), ("--interval", "SECONDS"), ("--warehouse", "DIR")]:
        assert re.search(rf"{option}\s.*{value}\s", serve), option
    run = wirehouse("run", "--help").stdout
    assert "[OPTIONS] PATHS..." in run
    assert re.search(r"--workers\s+N \[x>=1\]", run) and re.search(r"--lake\s+URL", run)
    assert re.search(r"--format\s+-f\s+table\|csv\|json", wirehouse("sql", "--help").stdout)
    listing = wirehouse("--help").stdout
    one_line = ("Re-run clean -> publish from the stored raw documents after a rule or model upgrade; new rows "
                "(stamped with the current pipeline_version) replace the old ones atomically, batch by batch.")
    assert one_line in " ".join(line.strip("│ ") for line in listing.splitlines() if "Re-run" in line)
