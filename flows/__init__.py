"""Prefect orchestration and the command line. No business logic lives here.

Importing this package sets Prefect's quiet defaults (unless already set in the environment)
before Prefect is imported anywhere: no server analytics, no telemetry, no task-run recorder on
the temporary local server (killed at shutdown mid-write, it prints CancelledError tracebacks),
warnings-only logging, and a startup timeout for the temporary server that suits a busy
2-core machine.
"""

import os

PREFECT_QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_UI_ENABLED": "false",
    # The temporary server needs ~14 s on its first start in a fresh PREFECT_HOME on 2 cores, more
    # under load; Prefect's default of 20 s makes a busy machine fail runs for nothing.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
for _name, _value in PREFECT_QUIET_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
