"""Benchmarks of the reminders (issue 6).

Usage: .venv/bin/python bench/remind_bench.py [smtp] [outbox] [province[=YYYY-MM-DD]]

  smtp      1,500 digests through EmailSender over one connection to aiosmtpd running in its
            own process (target ≥ 300 messages/s)
  outbox    the same 1,500 rows through the outbox (claim + previous mark in one commit per
            message that does not wait for the disk) on SQLite and on PostgreSQL
  province  the kept province schema bench_province on PostgreSQL (~1M entities, 120k
            officers, the 2026Q3 routine tasks, due 2026-09-30; built by bench/pg_schema.py
            when missing), read-only: building the digests of a day
            (default 2026-10-13: every task overdue by 5 working days, so escalated; 2026-09-22:
            every task due soon) — build_s, the target ≤ 30 s — and rendering every message
            with signed one-tap links (build_and_render_s)
CPU times are printed too: on a shared machine the wall clock mostly measures the others.
"""

import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNT = 1500
BODY = "李村官同志：\n\n截至2026年10月13日（周二），您包保的以下事项需要尽快办理。\n" * 8


SERVER = """
import sys, time
from aiosmtpd.controller import Controller
class Count:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Count.n += 1
        return "250 OK"
c = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
print(Count.n, flush=True)
"""


class _Server:
    """aiosmtpd in its own process (in-process it would share the GIL with the sender)."""

    def __init__(self):
        import subprocess

        from tests.support.waiting import free_port

        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def stop(self) -> int:
        """Stop the server; returns how many messages it accepted."""
        out, _ = self.process.communicate("", timeout=30)
        return int(out.strip())


def _server():
    return _Server()


def _notes():
    from services.reminders.outbox import Outgoing

    return [
        Outgoing(
            "email",
            f"officer:V{n:05d}",
            f"干部{n} <v{n:05d}@example.cn>",
            f"【包保督导提醒】2026年10月13日（周二） 干部{n}：逾期 2 项",
            BODY,
            "<div>" + BODY.replace("\n", "<br>") * 2 + "</div>",
            f"digest:officer:V{n:05d}:2026-10-13:email",
        )
        for n in range(COUNT)
    ]


def smtp() -> dict:
    from notifications.senders import EmailSender

    server = _server()
    sender = EmailSender(
        host="127.0.0.1",
        port=server.port,
        user=None,
        password=None,
        security="none",
        sender="县食安办 <baobao@example.cn>",
        timeout=10,
    )
    notes = _notes()
    start, cpu = time.perf_counter(), time.process_time()
    for note in notes:
        sender.send(note)
    sender.close()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert server.stop() == COUNT
    return {
        "messages": COUNT,
        "seconds": round(seconds, 2),
        "per_s": round(COUNT / seconds),
        "client_cpu_ms_per_message": round(cpu / COUNT * 1000, 2),
    }


def _outbox_run(url: str, port: int) -> dict:
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from services.core.schema import upgrade
    from services.reminders import delivery, outbox

    os.environ.update(BAOBAO_SMTP_HOST="127.0.0.1", BAOBAO_SMTP_PORT=str(port))
    settings.reset()
    engine = get_engine(url)
    upgrade(engine=engine)
    with Session(engine) as session:
        start = time.perf_counter()
        outbox.enqueue(session=session, messages=_notes())
        queued = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        counts = delivery.deliver(session=session)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    assert counts["sent"] == COUNT, counts
    return {
        "enqueue_s": round(queued, 2),
        "deliver_s": round(seconds, 2),
        "per_s": round(COUNT / seconds),
        "cpu_ms_per_message": round(cpu / COUNT * 1000, 2),
    }


def outbox() -> dict:
    from bench.pg_schema import scratch_schema

    results, server = {}, _server()
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = _outbox_run(f"sqlite:///{tmp}/bench.db", server.port)
    with scratch_schema() as url:
        results["postgresql"] = _outbox_run(url, server.port)
    assert server.stop() == 2 * COUNT
    return results


def province(day: str = "2026-10-13") -> dict:
    """A day's digests of the kept bench_province schema, read inside a transaction that is
    rolled back: build (build_s, the target ≤ 30 s), then plan and render every message with
    signed one-tap links (render_s)."""
    from sqlmodel import Session

    from bench.pg_schema import province_schema
    from config import settings
    from models.db import get_engine
    from services.reminders import daily as reminders
    from services.reminders import digests

    os.environ.update(BAOBAO_SMTP_HOST="127.0.0.1", BAOBAO_DATA_DIR=tempfile.mkdtemp())
    settings.reset()
    engine = get_engine(province_schema())
    today = dt.date.fromisoformat(day)
    with Session(engine) as session, digests.no_gc():
        start, cpu = time.perf_counter(), time.process_time()
        officer_digests, office_digests = digests.build_digests(session=session, today=today)
        built, built_cpu = time.perf_counter() - start, time.process_time() - cpu
        planned, skipped = reminders.plan(officer_digests, office_digests)
        messages = [p.outgoing() for p in planned]
        total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
        session.rollback()
    engine.dispose()
    items = sum(d.overdue.total + d.due_soon.total for d in officer_digests)
    return {
        "day": day,
        "officer_items": items,
        "officer_digests": len(officer_digests),
        "office_digests": len(office_digests),
        "messages": len(messages),
        "skipped_no_channel": len(skipped),
        "build_s": round(built, 1),
        "build_cpu_s": round(built_cpu, 1),
        "build_and_render_s": round(total, 1),
        "build_and_render_cpu_s": round(total_cpu, 1),
        "load": os.getloadavg()[0],
    }


BENCHES = {"smtp": smtp, "outbox": outbox, "province": province}

if __name__ == "__main__":
    for name in sys.argv[1:] or ["smtp", "outbox"]:
        name, _, day = name.partition("=")
        result = BENCHES[name](day) if day else BENCHES[name]()
        print(f"{name:10s} {json.dumps(result, ensure_ascii=False)}", flush=True)
