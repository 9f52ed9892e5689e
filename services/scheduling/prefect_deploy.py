"""Register config/schedules.toml as Prefect deployments on the server at PREFECT_API_URL.

One deployment per job, named after it, of the flow in flows/<flow>.py, with the job's cron,
time zone and parameters, in a process work pool (created when missing). The deployment's code
is this repository's folder: every worker machine needs the same checkout at the same path
(and BAOBAO_DATABASE_URL pointing at the shared PostgreSQL). Call prefect_env.apply() first.
"""

from typing import TYPE_CHECKING, Any, TypedDict

from config.files import ScheduledJob
from config.settings import ROOT
from services.core.errors import BadInput, Unavailable
from services.scheduling import schedule

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient


def api_url() -> str:
    """The Prefect server's API URL (PREFECT_API_URL, read by Prefect); BadInput when unset."""
    from prefect.settings import PREFECT_API_URL

    url: str | None = PREFECT_API_URL.value()
    if not url:
        raise BadInput(
            "未设置 PREFECT_API_URL：请先启动 Prefect 服务器（prefect server start），"
            "再设置 PREFECT_API_URL=http://主机:4200/api"
        )
    return url


def ensure_pool(*, client: "SyncPrefectClient", pool: str) -> bool:
    """Create the process work pool if it is missing; returns whether it was created."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    try:
        client.read_work_pool(pool)
        return False
    except ObjectNotFound:
        template = ProcessWorker.get_default_base_job_template()
        client.create_work_pool(
            WorkPoolCreate(name=pool, type="process", base_job_template=template)
        )
        return True


class Registered(TypedDict):
    """A job registered as a Prefect deployment."""

    job: str
    deployment: str  # flow name / job name
    id: str
    cron: str
    timezone: str
    parameters: dict[str, Any]


def register_jobs(*, jobs: list[ScheduledJob], pool: str) -> list[Registered]:
    """Create or update one deployment per job; returns what was registered."""
    from prefect import Flow
    from prefect.client.orchestration import get_client
    from prefect.deployments.runner import RunnerDeployment
    from prefect.schedules import Cron

    url = api_url()
    with get_client(sync_client=True) as client:
        if client.api_healthcheck() is not None:
            raise Unavailable(f"无法连接 Prefect 服务器 {url}，请确认它已启动")
        ensure_pool(client=client, pool=pool)
    registered: list[Registered] = []
    for job in jobs:
        timezone = str(schedule.job_timezone(job))
        flow = Flow.from_source(source=str(ROOT), entrypoint=f"flows/{job.flow}.py:{job.flow}")
        assert isinstance(flow, Flow)  # called without await: the flow itself, not a coroutine
        deployment = flow.to_deployment(
            name=job.name,
            schedules=[Cron(job.cron, timezone=timezone)],
            parameters=dict(job.parameters),
            description=job.description,
        )
        assert isinstance(deployment, RunnerDeployment)  # likewise
        deployment_id = deployment.apply(work_pool_name=pool)
        registered.append(
            {
                "job": job.name,
                "deployment": f"{flow.name}/{job.name}",
                "id": str(deployment_id),
                "cron": job.cron,
                "timezone": timezone,
                "parameters": dict(job.parameters),
            }
        )
    return registered
