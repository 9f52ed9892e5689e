"""Benchmark of what server-side sessions and database throttling add to a request, apart from
the password hash (argon2 is slow by design): target ≤ 5 ms p95 each.

- session_check: sign_ins.current, the one indexed query every page and API call makes to
  turn a cookie or token into a Principal (the session row joined with the account);
- principal_only: the same account query without the session row (what a request cost before
  sessions were held on the server), for comparison;
- throttle_failure: the counting of a failed sign-in (blocked check, then the failure written
  under the person's and the address's keys, each in its own short transaction);
- throttle_success: the counting of a correct one (the counts read; a person without earlier
  failures has nothing to clear).

Usage: .venv/bin/python bench/identity.py [sqlite] [postgresql] [--rounds N]
Runs on the demo county (SQLite file, PostgreSQL scratch schema), 2026-09-22.
"""

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 9, 22)


def _percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def _timed(rounds: int, step: Callable[[int], object]) -> dict[str, float]:
    for n in range(min(20, rounds)):  # warm-up: caches, prepared statements
        step(n)
    times, cpu = [], time.process_time()
    for n in range(rounds):
        start = time.perf_counter()
        step(n)
        times.append(time.perf_counter() - start)
    return {**_percentiles(times), "cpu_s": round(time.process_time() - cpu, 3), "n": rounds}


def measure(url: str, rounds: int) -> dict:
    """The four measurements on a filled database at url."""
    from sqlalchemy import select
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from models.officer import Officer
    from models.sign_in import LoginFailure
    from services.accounts import sign_ins, throttle
    from services.permissions.principal import load_principal, principal_of

    settings.configure(database_url=url, today=TODAY)
    engine = get_engine(url)
    with Session(engine) as session:
        officers = list(session.execute(select(Officer).limit(50)).scalars())
        officer_ids = [o.id for o in officers]
        payloads = []
        for officer in officers:
            who = principal_of(officer, officer_place(session, officer))
            started = sign_ins.start(session=session, who=who, kind="web", client="127.0.0.1")
            payloads.append(sign_ins.claims(started))
        session.commit()
    results = {"load_average": round(os.getloadavg()[0], 1)}
    with Session(engine.execution_options(isolation_level="AUTOCOMMIT")) as session:
        results["session_check"] = _timed(
            rounds,
            lambda n: sign_ins.current(
                session=session, payload=payloads[n % len(payloads)], kinds=("web", "link")
            ),
        )
        results["principal_only"] = _timed(
            rounds,
            lambda n: load_principal(
                session=session, kind="officer", person_id=officer_ids[n % len(officer_ids)]
            ),
        )

    def failure(n: int) -> None:
        keys = throttle.keys_for(person=f"m:139{n % 97:08d}", login="x", client=f"10.0.{n % 7}.1")
        with Session(engine) as session:
            throttle.blocked(session=session, keys=keys)
            throttle.fail(session=session, keys=keys)

    def success(n: int) -> None:  # as authenticate: clear only a person with failures
        keys = throttle.keys_for(person=f"m:138{n:08d}", login="x", client="10.0.0.1")
        with Session(engine) as session:
            counts = throttle.failures(session=session, keys=keys)
            if counts.get(next(iter(keys))):
                throttle.clear(session=session, key=next(iter(keys)))

    results["throttle_failure"] = _timed(rounds, failure)
    results["throttle_success"] = _timed(rounds, success)
    with Session(engine) as session:
        results["failure_rows_left"] = len(session.execute(select(LoginFailure.id)).all())
    return results


def officer_place(session, officer):
    from models.jurisdiction import Jurisdiction

    return session.get(Jurisdiction, officer.jurisdiction_id)


def _fill(url: str) -> None:
    for args in (["init"], ["demo", "--scale", "county"]):
        subprocess.run([str(ROOT / "baobao"), "--db", url, *args], check=True, capture_output=True)


def sqlite(rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        _fill(url)
        return measure(url, rounds)


def postgresql(rounds: int) -> dict:
    from bench.pg_schema import scratch_schema

    with scratch_schema() as url:
        _fill(url)
        return measure(url, rounds)


def main(argv: list[str]) -> None:
    rounds = 2000
    if "--rounds" in argv:
        at = argv.index("--rounds")
        rounds, argv = int(argv[at + 1]), argv[:at] + argv[at + 2 :]
    for name in argv or ["sqlite", "postgresql"]:
        result = {"sqlite": sqlite, "postgresql": postgresql}[name](rounds)
        print(f"{name:10s} {json.dumps(result, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
