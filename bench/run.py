"""Benchmarks: CLI start-up, demo generation (county on SQLite, province on PostgreSQL).

Usage: .venv/bin/python bench/run.py [startup] [county] [province]
"""

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cli(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(ROOT / "baobao"), *args], check=True, capture_output=True)
    return time.perf_counter() - start


def startup() -> dict:
    """./baobao --help, median of 10 runs after one warm-up."""
    _cli("--help")
    runs = [_cli("--help") for _ in range(10)]
    return {"median_s": round(statistics.median(runs), 3), "max_s": round(max(runs), 3)}


def county() -> dict:
    """init + demo --scale county on a new SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        init_s = _cli("--db", url, "init")
        demo_s = _cli("--db", url, "demo", "--scale", "county")
        size = Path(f"{tmp}/bench.db").stat().st_size
    return {"init_s": round(init_s, 2), "demo_s": round(demo_s, 2), "db_mb": round(size / 2**20, 1)}


def province() -> dict:
    """init + demo --scale province in a new PostgreSQL schema (dropped afterwards)."""
    from bench.pg_schema import scratch_schema

    with scratch_schema() as url:
        _cli("--db", url, "init")
        start = time.perf_counter()
        result = subprocess.run(
            [str(ROOT / "baobao"), "--db", url, "demo", "--scale", "province", "--json"],
            check=True,
            capture_output=True,
            text=True,
        )
        demo_s = time.perf_counter() - start
        counts = json.loads(result.stdout)["counts"]
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"demo_s": round(demo_s, 1), "peak_rss_mb": round(peak), "counts": counts}


BENCHES = {"startup": startup, "county": county, "province": province}


def main(names: list[str]) -> None:
    results = {}
    for name in names or list(BENCHES):
        results[name] = BENCHES[name]()
        print(f"{name:10s} {json.dumps(results[name], ensure_ascii=False)}", flush=True)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
