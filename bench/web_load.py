"""The load generator of bench/web.py: httpx clients that sign in (a password, or a session
cookie signed with the server's key) and then time a page: 我的任务 (GET /my/tasks) or another."""

import asyncio
import gc
import os
import random
import statistics
import time
from pathlib import Path

PASSWORD = "Bench-2026"


async def _login(client, code: str | dict) -> None:
    import re

    if isinstance(code, dict):  # a signed session cookie: nothing to post
        client.cookies.update(code)
        return
    page = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = await client.post(
        "/login", data={"login": code, "password": PASSWORD, "csrf": token}
    )
    if response.status_code != 303:
        raise RuntimeError(f"login failed for {code}: {response.status_code}")


async def _client(
    client, until: float, paced: bool, times: list, errors: list, paths=("/my/tasks",)
) -> None:
    await asyncio.sleep(random.random() if paced else 0)
    turn = random.randrange(len(paths))
    while time.perf_counter() < until:
        turn += 1
        start = time.perf_counter()
        response = await client.get(paths[turn % len(paths)])
        elapsed = time.perf_counter() - start
        if response.status_code == 200:
            times.append(elapsed)
        else:
            errors.append(response.status_code)
        if paced:
            await asyncio.sleep(max(0.0, random.uniform(0.8, 1.2) - elapsed))


def load(
    base: str,
    codes: list,
    seconds: float,
    paced: bool,
    cpu=lambda: 0.0,
    path: str = "/my/tasks",
    paths=None,
) -> dict:
    """Sign every client in first, then time a page (我的任务), or each client's own paths in
    turn, for the given seconds."""
    import httpx

    times, errors, used = [], [], []

    async def run() -> float:
        # Drop idle connections before uvicorn does (5 s): while the others sign in, a
        # client's connection would otherwise be closed under its first request.
        limits = httpx.Limits(keepalive_expiry=4)
        clients = [
            httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False, limits=limits)
            for _ in codes
        ]
        try:
            for client, code in zip(clients, codes, strict=True):
                await _login(client, code)
            gc.collect()
            gc.freeze()  # the load generator's own full collections would show as latency
            start, cpu_start = time.perf_counter(), cpu()
            await asyncio.gather(
                *(
                    _client(
                        c, start + seconds, paced, times, errors, paths[n] if paths else (path,)
                    )
                    for n, c in enumerate(clients)
                )
            )
            used.append(cpu() - cpu_start)
            return time.perf_counter() - start
        finally:
            for client in clients:
                await client.aclose()

    wall = asyncio.run(run())
    ms = sorted(t * 1000 for t in times)
    if not ms:
        return {"requests": 0, "errors": len(errors)}
    return {
        "requests": len(ms),
        "errors": len(errors),
        "rps": round(len(ms) / wall, 1),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 1),
        "p99_ms": round(ms[int(len(ms) * 0.99) - 1], 1),
        "max_ms": round(ms[-1], 1),
        "server_cpu_ms_per_request": round(used[0] * 1000 / len(ms), 2),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_mb(pid: int) -> float:
    """The peak resident memory of a process in MB (Linux /proc VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def uptime() -> str:
    """The machine's load averages (1, 5, 15 min) as `uptime` shows them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
