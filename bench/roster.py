"""Roster import benchmarks (never part of make test).

Usage: .venv/bin/python bench/roster.py [county] [province] [--keep DIR]

- county: the demo county (2,192 entities) exported with `roster export`, then imported with
  `roster import` into a new SQLite database (target ≤ 5 s) and re-imported (zero changes).
- province: a province-size CSV folder (the demo province's roster: ~1,000,000 entities,
  ~120,000 officers, generated straight to CSV) imported into a new PostgreSQL schema
  (target ≤ 3 min, memory bounded), then re-imported (zero changes).

Each step runs ./baobao as a user would; times are wall-clock, *_cpu_s the command's own CPU
time (the database server's is not included), peak RSS the command's.
"""

import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TODAY = "2026-09-22"


CPU: dict[str, float] = {}  # CPU seconds of the last run, by its command line


def _run(*args: str) -> tuple[float, float, dict | None]:
    """Run ./baobao; returns (seconds, peak RSS MB of this child, JSON output or None)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_maxrss
    cpu_before = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    done = subprocess.run(
        [str(ROOT / "baobao"), "--today", TODAY, *args], capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"baobao {' '.join(args)} failed ({done.returncode}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss
    CPU[" ".join(args)] = round(usage.ru_utime + usage.ru_stime - cpu_before, 1)
    report = json.loads(done.stdout) if "--json" in args else None
    return seconds, max(peak, before) / 1024, report


def _changes(report: dict) -> int:
    return sum(c["created"] + c["updated"] + c["ended"] for c in report["sheets"].values())


def county(keep: Path | None = None) -> dict:
    """Export the demo county, import it into an empty SQLite database, re-import it."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        source, target = f"sqlite:///{tmp}/demo.db", f"sqlite:///{tmp}/target.db"
        book = folder / "county.xlsx"
        _run("--db", source, "init")
        _run("--db", source, "demo", "--scale", "county")
        export_s, _, _ = _run("--db", source, "roster", "export", str(book))
        _run("--db", target, "init")
        first_s, first_mb, first = _run("--db", target, "roster", "import", str(book), "--json")
        first_cpu = CPU[" ".join(("--db", target, "roster", "import", str(book), "--json"))]
        again_s, _, again = _run("--db", target, "roster", "import", str(book), "--json")
        into_demo_s, _, demo = _run("--db", source, "roster", "import", str(book), "--json")
    return {
        "entities": first["sheets"]["包保主体"]["created"],
        "workbook_mb": round(book.stat().st_size / 2**20, 2) if keep else None,
        "export_s": round(export_s, 2),
        "import_empty_s": round(first_s, 2),
        "import_empty_cpu_s": first_cpu,
        "import_empty_peak_mb": round(first_mb),
        "reimport_s": round(again_s, 2),
        "reimport_changes": _changes(again),
        "reimport_into_demo_s": round(into_demo_s, 2),
        "reimport_into_demo_changes": _changes(demo),
    }


def write_province_csv(folder: Path, seed: int = 2) -> dict[str, int]:
    """The demo province's roster written straight to five CSVs, one county at a time."""
    from models.enums import (
        EntityStatus,
        InformantRole,
        JurisdictionLevel,
        OfficerTier,
        UserRole,
        label,
    )
    from services.demo import dataset as demo
    from services.demo import rows as demo_rows
    from services.roster.columns import SHEETS
    from services.roster.layout import header_text

    folder.mkdir(parents=True, exist_ok=True)
    handles = {
        s.name: (folder / f"{s.name}.csv").open("w", encoding="utf-8", newline="") for s in SHEETS
    }
    writers = {name: csv.writer(h) for name, h in handles.items()}
    for sheet in SHEETS:
        writers[sheet.name].writerow([header_text(c) for c in sheet.columns])
    spec = demo.SCALES["province"]
    builder = demo_rows.Builder(rng=random.Random(seed), scale=spec)
    place: dict[int, str] = {}
    officer_code: dict[int, str] = {}
    written = dict.fromkeys(handles, 0)

    def emit(batch: dict) -> None:
        for jid, code, name, level, parent, _ in batch.get("jurisdiction", (None, []))[1]:
            place[jid] = code
            writers["区划"].writerow(
                [code, name, label(JurisdictionLevel, level), place.get(parent, "")]
            )
            written["区划"] += 1
        for oid, code, name, tier, title, mobile, email, wecom, jid, _ in batch["officer"][1]:
            officer_code[oid] = code
            writers["包保干部"].writerow(
                [
                    code,
                    name,
                    label(OfficerTier, tier),
                    title,
                    place[jid],
                    mobile,
                    email or "",
                    wecom or "",
                ]
            )
            written["包保干部"] += 1
        for _, account, name, role, mobile, email, wecom, jid, _ in batch["app_user"][1]:
            writers["食安办人员"].writerow(
                [account, name, place[jid], label(UserRole, role), mobile, email or "", wecom or ""]
            )
            written["食安办人员"] += 1
        keys = {}
        for row in batch.get("entity", (None, []))[1]:
            eid, codes, (name, cat, grade, risk, address, status), people = (
                row[0],
                row[1:4],
                row[4:10],
                row[10:14],
            )
            jid = row[14]
            codes = [c or "" for c in codes]
            keys[eid] = (*codes, "" if any(codes) else name, "" if any(codes) else place[jid])
            writers["包保主体"].writerow(
                [
                    *codes,
                    name,
                    cat,
                    grade,
                    risk,
                    place[jid],
                    address,
                    label(EntityStatus, status),
                    *(p or "" for p in people),
                ]
            )
            written["包保主体"] += 1
        for _, name, mobile, role, jid, _ in batch.get("informant", (None, []))[1]:
            writers["信息员"].writerow([name, mobile, place[jid], label(InformantRole, role)])
            written["信息员"] += 1
        for _, oid, eid, start, end, _ in batch.get("assignment", (None, []))[1]:
            writers["包保关系"].writerow(
                [officer_code[oid], *keys[eid], start.isoformat(), end.isoformat() if end else ""]
            )
            written["包保关系"] += 1

    for city in range(spec.cities):
        emit(builder.city(city))
        for county_index in range(spec.counties_per_city):
            emit(builder.county(city, county_index))
    for handle in handles.values():
        handle.close()
    return written


def province(keep: Path | None = None) -> dict:
    """Import a province-size CSV folder into a new PostgreSQL schema, then re-import it."""
    from bench.pg_schema import scratch_schema

    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp) / "province"
        start = time.perf_counter()
        rows = write_province_csv(folder)
        generate_s = time.perf_counter() - start
        size = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        with scratch_schema() as url:
            _run("--db", url, "init")
            command = ("--db", url, "roster", "import", str(folder), "--json")
            first_s, first_mb, first = _run(*command)
            first_cpu = CPU[" ".join(command)]
            again_s, again_mb, again = _run(*command)
            again_cpu = CPU[" ".join(command)]
    return {
        "rows": rows,
        "csv_mb": round(size),
        "generate_csv_s": round(generate_s, 1),
        "import_empty_s": round(first_s, 1),
        "import_empty_cpu_s": first_cpu,
        "import_empty_peak_mb": round(first_mb),
        "created": {k: v["created"] for k, v in first["sheets"].items()},
        "reimport_s": round(again_s, 1),
        "reimport_cpu_s": again_cpu,
        "reimport_peak_mb": round(again_mb),
        "reimport_changes": _changes(again),
    }


BENCHES = {"county": county, "province": province}


def main(argv: list[str]) -> None:
    keep = None
    if "--keep" in argv:
        index = argv.index("--keep")
        keep = Path(argv[index + 1]).resolve()
        argv = argv[:index] + argv[index + 2 :]
    for name in argv or list(BENCHES):
        target = keep / name if keep else None
        if target:
            target.mkdir(parents=True, exist_ok=True)
        result = BENCHES[name](target)
        print(f"roster-{name:9s} {json.dumps(result, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
