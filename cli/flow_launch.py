"""What running the scheduled flows needs in any process (scheduler, serve, deploy): Prefect's
environment from the settings, and each job's flow loaded with its parameters checked."""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.files import ScheduledJob

Launch = Callable[["ScheduledJob"], dict[str, object]]


def prepare_prefect() -> None:
    """Prefect's environment from the settings, then import it; its console lines go to the log."""
    import logging

    from services.scheduling import prefect_env

    prefect_env.apply()
    import prefect  # noqa: F401  (configures logging on import)

    from cli.logs import configure_logging

    root = logging.getLogger()
    for handler in list(root.handlers):
        if type(handler).__name__ == "PrefectConsoleHandler":
            root.removeHandler(handler)
    configure_logging()


def launcher(jobs: list["ScheduledJob"]) -> Launch:
    """Load every job's flow and check its parameters; returns launch(job) -> detail."""
    import importlib
    from pathlib import Path

    from config.files import ConfigError
    from config.settings import get_settings

    path = Path(get_settings().config_dir) / "schedules.toml"
    flows: dict[str, Callable[..., object]] = {}
    for index, job in enumerate(jobs):
        module = importlib.import_module(f"flows.{job.flow}")
        flow = getattr(module, job.flow, None)
        if flow is None or not hasattr(flow, "validate_parameters"):
            raise ConfigError(path, f"jobs.{index}.flow", f"flows/{job.flow}.py 中没有同名流程")
        try:
            flow.validate_parameters(dict(job.parameters))
        except Exception as exc:  # noqa: BLE001 - Prefect's ParameterTypeError and friends
            raise ConfigError(path, f"jobs.{index}.parameters", f"参数不符合流程：{exc}") from None
        flows[job.flow] = flow

    def launch(job: "ScheduledJob") -> dict[str, object]:
        result = flows[job.flow](**job.parameters)
        return result if isinstance(result, dict) else {"result": str(result)}

    return launch
