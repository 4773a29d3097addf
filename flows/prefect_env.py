"""Everything this project sets up of Prefect's environment, in one module: the quiet defaults a
command applies when it starts, and the one starter of Prefect's temporary API server.

Quiet defaults (apply_quiet_defaults, called by the CLI before any command runs, by Dask workers'
preload and by the test session; never on import): no server analytics, no telemetry, no
task-run recorder on the temporary server (killed at shutdown mid-write, it prints
CancelledError tracebacks), run logs at INFO for the API but only critical ones on the console,
no UI, and a startup timeout for the
temporary server that suits a busy 2-core machine. A value already in the environment wins.

The temporary server: without PREFECT_API_URL, Prefect starts a temporary server when the flow
begins: the run's process first imports the whole server package (~6 s of CPU on two cores) only
to launch it in a subprocess, then waits for that subprocess to boot (~9 s) before any work
starts. Here the same server command starts as a subprocess before Prefect is even imported, so
its boot overlaps the run's own imports, the model load and the Great Expectations set-up, and
the process never imports the server package. The URL goes into PREFECT_API_URL, which Prefect
(imported later) and local Dask workers (spawned later) read from the environment.

The server dies with the run: it is stopped at interpreter exit, after Prefect's own exit hooks
have flushed their events, and on Linux the kernel stops it if the run is killed outright.
"""

from __future__ import annotations

import atexit
import ctypes
import importlib.util
import math
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from flows.errors import UsageError

QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
    # INFO: each run's own log lines (flows.progress, Prefect's state changes) reach the Prefect
    # API and its UI; the console handler below keeps them off the terminal.
    "PREFECT_LOGGING_LEVEL": "INFO",
    # Prefect's console lines (a failed task's traceback, "Crash detected!") repeat what the command
    # says in its own one `error:` line; they still reach the Prefect API and its UI. Set it to
    # WARNING to see them in the terminal too.
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    "PREFECT_SERVER_UI_ENABLED": "false",
    # The temporary server needs ~14 s on its first start in a fresh PREFECT_HOME on 2 cores, more
    # under load; Prefect's default of 20 s makes a busy machine fail runs for nothing.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


def apply_quiet_defaults() -> None:
    """Set QUIET_DEFAULTS in this process's environment where the user has not set them; call it
    when a command starts, before Prefect is imported (Prefect reads its settings on import).
    Also silence urllib3's warning that SOCKS proxies need PySocks (Wirehouse downloads nothing):
    trafilatura imports that support, and requests silences the warning only once it is itself
    imported, which the warm-up and reading-ahead threads' imports may not do first."""
    for name, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
    warnings.filterwarnings("ignore", message="SOCKS support in urllib3", module=r"urllib3\.contrib\.socks")


def startup_timeout() -> float:
    """Seconds to wait for the temporary server's health check."""
    return float(
        os.environ.get(
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
            QUIET_DEFAULTS["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"],
        )
    )


PR_SET_PDEATHSIG = 1


class PrefectApiUnavailable(RuntimeError):
    """Schedules need a Prefect API (a server or Prefect Cloud); none is configured or reachable."""


class ScheduleInvalid(UsageError):
    """`serve`'s --cron or --interval does not make a schedule; the message says why."""


def check_schedule(interval: float | None, cron: str | None) -> str:
    """The schedule in words ("every 60 s", "cron */15 * * * *"), or ScheduleInvalid."""
    if interval is not None:
        if not (0 < interval < math.inf):
            raise ScheduleInvalid(f"--interval takes a number of seconds above 0, not {interval:g}")
        return f"every {interval:g} s"
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=str(cron))
    except ValidationError:
        raise ScheduleInvalid(
            f"--cron takes a cron expression of five fields (minute hour day month weekday), e.g. "
            f'"*/15 * * * *" for every 15 minutes, not {cron!r}'
        ) from None
    return f"cron {cron}"


class ApiServerError(RuntimeError):
    """The temporary API server did not come up; the message says why."""


class TemporaryApi:
    def __init__(self, process: subprocess.Popen | None, url: str):
        self.process = process
        self.url = url

    def wait(self, timeout: float) -> None:
        """Block until the API answers its health check."""
        if self.process is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ApiServerError(
                    f"Prefect's temporary API server exited with code {self.process.returncode}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise ApiServerError(
            f"Prefect's temporary API server at {self.url} did not answer within {timeout:.0f} s"
        )

    def stop_at_exit(self) -> None:
        """Stop the server as the run's process exits: told to stop (SIGTERM), not waited for.
        Its shutdown (~0.4 s) finishes on its own; every write the run made was answered."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def die_with_parent() -> None:
    """In a process the run starts (the API server, before exec; the parser process): SIGTERM
    when the run's process dies (Linux)."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment or the active Prefect profile (profiles.toml), read
    without importing Prefect."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        data = tomllib.loads(profiles.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or data.get("active") or "ephemeral"
    url = data.get("profiles", {}).get(active, {}).get("PREFECT_API_URL")
    return str(url) if url else None


@contextmanager
def temporary_api() -> Iterator[TemporaryApi]:
    """The API this run reports to: PREFECT_API_URL when configured (a server, Prefect Cloud; in
    the environment or the active profile), else a temporary server started now (call .wait()
    before the flow starts). Sets PREFECT_API_URL for the rest of the process and the processes
    it starts."""
    configured = configured_api_url()
    if configured:
        yield TemporaryApi(None, configured)
        return
    port = _free_port()
    prefect_spec = importlib.util.find_spec("prefect")
    assert prefect_spec is not None and prefect_spec.origin is not None  # prefect is installed, as a package
    prefect_dir = Path(prefect_spec.origin).parent
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(prefect_dir.parent),
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ],
        env={**os.environ, **SERVER_ENV},
        preexec_fn=die_with_parent if sys.platform == "linux" else None,
    )
    api = TemporaryApi(process, f"http://127.0.0.1:{port}/api")
    # Registered before Prefect is imported, so it runs after Prefect's exit hooks (LIFO).
    atexit.register(api.stop_at_exit)
    os.environ["PREFECT_API_URL"] = api.url
    try:
        yield api
    finally:
        os.environ.pop("PREFECT_API_URL", None)
