"""Prefect's environment, built from Settings: its files under the data directory, no network.

Prefect reads its settings from environment variables when it is imported. So apply() runs
before the first `import prefect`, and this module is the one exception to "nothing but
config/settings.py touches os.environ": it only WRITES Prefect's variables, derived from our
Settings (PREFECT_API_URL, when the administrator sets it, is left to Prefect to read).
"""

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from config.settings import get_settings

F = TypeVar("F", bound=Callable[..., Any])

# A cold temporary server (first run, empty PREFECT_HOME) took 23–42 s on a busy 2-core machine:
# Prefect's default of 20 s is too short.
EPHEMERAL_STARTUP_SECONDS = 120


def prefect_home() -> Path:
    """Where Prefect keeps its files (its database, profiles, results): DATA_DIR/prefect."""
    return (Path(get_settings().data_dir) / "prefect").resolve()


def environment() -> dict[str, str]:
    """The environment variables Prefect needs, for this process or a subprocess."""
    return {
        "PREFECT_HOME": str(prefect_home()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(EPHEMERAL_STARTUP_SECONDS),
        # Prefect's own (English) console lines only for warnings; the rest goes to the log file
        # and, with a server, to its UI.
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    }


def apply() -> None:
    """Set Prefect's variables in this process; call it before the first `import prefect`."""
    values = environment()
    Path(values["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.update(values)  # the one sanctioned write to os.environ (see module docstring)


def record_deployment_runs(fn: F) -> F:
    """Decorate a flow's function (below @flow): a run started by a Prefect deployment is
    recorded in job_run under the deployment's name, which is the job's name (./baobao deploy);
    other runs are recorded by whoever started them (the embedded scheduler)."""

    @functools.wraps(fn)
    def recorded(*args: Any, **kwargs: Any) -> Any:
        from prefect import runtime

        from services.scheduling.schedule import recorded_run

        job = runtime.deployment.name
        if not job:
            return fn(*args, **kwargs)
        with recorded_run(
            url=get_settings().database_url,
            job=job,
            runner="prefect",
            detail={"flow_run": str(runtime.flow_run.id)},
        ) as detail:
            result = fn(*args, **kwargs)
            if isinstance(result, dict):
                detail.update(result)
        return result

    return recorded  # type: ignore[return-value]
