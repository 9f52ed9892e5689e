"""Start-up cost of the scheduled flows without a Prefect server (docs/operations.md,
"Scheduled jobs").

Measures, each in a fresh process on the demo county (SQLite), Prefect's files in a new data
directory (cold) and then in the same one again (warm):
- `import prefect` with the environment services.scheduling.prefect_env sets;
- the first generate_tasks_flow run, which starts Prefect's temporary server, and a second
  run in the same process;
- `./baobao scheduler --list` (no Prefect import).

Usage: .venv/bin/python bench/scheduler.py
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, time
t0 = time.perf_counter()
from services.scheduling import prefect_env
prefect_env.apply()
import prefect  # noqa: F401
t1 = time.perf_counter()
from flows.generate_tasks_flow import generate_tasks_flow
first = generate_tasks_flow()
t2 = time.perf_counter()
generate_tasks_flow()
t3 = time.perf_counter()
print(json.dumps({"import_prefect_s": round(t1 - t0, 2), "first_run_s": round(t2 - t1, 2),
                  "second_run_s": round(t3 - t2, 2), "created": first["created"]}))
"""


def _env(tmp: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAOBAO_", "PREFECT_"))}
    return env | {
        "BAOBAO_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
        "BAOBAO_DATA_DIR": f"{tmp}/data",
        "BAOBAO_TODAY": "2026-09-22",
        "PYTHONPATH": str(ROOT),
    }


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(tmp)
        for args in (["init"], ["demo", "--scale", "county"]):
            subprocess.run([str(ROOT / "baobao"), *args], env=env, check=True, capture_output=True)
        results = {}
        for label in ("cold", "warm"):
            done = subprocess.run(
                [sys.executable, "-c", PROBE],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            results[label] = json.loads(done.stdout.strip().splitlines()[-1])
        start = time.perf_counter()
        subprocess.run(
            [str(ROOT / "baobao"), "scheduler", "--list"], env=env, check=True, capture_output=True
        )
        results["scheduler_list_s"] = round(time.perf_counter() - start, 2)
        rss = subprocess.run(
            ["du", "-sm", f"{tmp}/data/prefect"], capture_output=True, text=True
        ).stdout.split()[0]
        results["prefect_home_mb"] = int(rss)
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
