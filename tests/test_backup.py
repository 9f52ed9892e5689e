"""Backup and restore on both databases: every row and every data file comes back; a damaged
archive, a database with data, or the wrong kind of database is refused with nothing written."""

import json
import os
import stat
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from models.db import get_engine
from services.operations import archive
from services.operations.retention import prune
from tests.support.operations import all_rows, file_hashes, hazards_with_evidence, wipe


@pytest.fixture
def filled(data_dir, town_tasks, engine):
    """The town demo with its tasks, hazards with evidence files, the key, a document and a log;
    (URL, rows of every table, hashes of every data file)."""
    hashes = hazards_with_evidence(engine)
    (data_dir / "briefings" / "2026Q3").mkdir(parents=True)
    (data_dir / "briefings" / "2026Q3" / "汇报.docx").write_bytes(b"PK\x03\x04" + b"x" * 5000)
    (data_dir / "logs").mkdir(exist_ok=True)
    (data_dir / "logs" / "baobao.log").write_text("not archived\n")
    files = file_hashes(data_dir)
    assert {f"evidence/{h[:2]}/{h}" for h in hashes} <= set(files) and "secret_key" in files
    return town_tasks, all_rows(engine), files


def _backup(cli, url: str, *extra: str) -> dict:
    code, out, err = cli("--db", url, "backup", "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_backup_wipe_restore_gives_back_every_row_and_file(filled, cli, data_dir, engine):
    url, rows, files = filled
    made = _backup(cli, url)
    path = Path(made["archive"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the key and every person's data
    assert path.parent == data_dir / "backups"
    assert made["files"] == len(files) and made["rows"] == sum(
        len(r) for t, r in rows.items() if t != "alembic_version"
    )
    manifest = archive.read_manifest(path=path)
    assert manifest["tables"] == {table: len(found) for table, found in rows.items()}
    assert {n.removeprefix("data/") for n in manifest["files"] if n.startswith("data/")} == set(
        files
    )
    assert all(
        manifest["files"][f"data/{name}"]["sha256"] == digest for name, digest in files.items()
    )

    wipe(url)
    for item in data_dir.iterdir():  # the data directory is lost too (the archive kept aside)
        if item.name != "backups":
            _remove(item)
    code, out, err = cli("--db", url, "restore", str(path), "--json")
    assert code == 0, err
    restored = json.loads(out)
    assert restored["files"] == len(files) and restored["replaced_data"] is False
    assert all_rows(engine) == rows
    assert file_hashes(data_dir) == files
    assert "data/logs/baobao.log" not in manifest["files"]  # logs are not archived
    with engine.begin() as connection:  # new rows get fresh ids after a restore
        connection.execute(
            text(
                "INSERT INTO campaign (name, due_date, filters, created_on) "
                "VALUES ('恢复后', '2026-12-31', '{}', '2026-12-01')"
            )
        )


def _remove(path: Path) -> None:
    import shutil

    shutil.rmtree(path) if path.is_dir() else path.unlink()


def test_restore_refuses_a_database_with_data_unless_forced(filled, cli, engine, data_dir):
    url, rows, files = filled
    made = _backup(cli, url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM hazard_evidence"))
    changed = all_rows(engine)
    code, out, err = cli("--db", url, "restore", made["archive"])
    assert code == 2 and out == "" and "--force" in err
    assert all_rows(engine) == changed  # nothing written

    code, out, err = cli("--db", url, "restore", made["archive"], "--force", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert all_rows(engine) == rows
    safety = archive.read_manifest(path=result["safety_backup"])  # the overwritten state, kept
    assert safety["tables"]["hazard_evidence"] == 0 and safety["reason"] == "before-restore"


def test_a_damaged_archive_is_refused_and_nothing_is_written(filled, cli, engine, data_dir):
    url, rows, files = filled
    path = Path(_backup(cli, url)["archive"])
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith("data/evidence/"))
    with path.open("r+b") as handle:  # one byte of an evidence file changes
        handle.seek(member.offset_data + 3)
        byte = handle.read(1)
        handle.seek(member.offset_data + 3)
        handle.write(bytes([byte[0] ^ 0xFF]))
    wipe(url)
    _remove(data_dir / "evidence")
    code, out, err = cli("--db", url, "restore", str(path))
    assert code == 2 and "sha256" in err and member.name in err
    assert not (data_dir / "evidence").exists()
    engine.dispose()
    assert inspect(engine).get_table_names() == []  # the database stayed empty

    truncated = path.with_name("cut.tar")
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    code, _, err = cli("--db", url, "restore", str(truncated))
    assert code == 2 and "不是完整的 baobao 备份文件" in err


def test_an_archive_of_the_other_kind_of_database_is_refused(filled, cli, tmp_path):
    url, rows, _ = filled
    other = (
        f"sqlite:///{tmp_path}/other.db"
        if url.startswith("postgresql")
        else "postgresql+psycopg://127.0.0.1:5432/test"
    )
    made = _backup(cli, url)
    code, _, err = cli("--db", other, "restore", made["archive"])
    assert code == 2 and "不能直接恢复" in err


def test_postgresql_backup_without_pg_dump_names_the_tool(filled, cli, monkeypatch):
    url, _, _ = filled
    if not url.startswith("postgresql"):
        pytest.skip("pg_dump is needed for PostgreSQL only")
    monkeypatch.setenv("PATH", "/nonexistent")
    code, out, err = cli("--db", url, "backup")
    assert code == 1 and out == ""
    assert "pg_dump" in err and "postgresql-client-15" in err


def test_backup_to_another_folder(filled, cli, tmp_path):
    url, _, _ = filled
    made = _backup(cli, url, "--out", str(tmp_path / "offsite"))
    assert Path(made["archive"]).parent == tmp_path / "offsite"
    assert stat.S_IMODE((tmp_path / "offsite").stat().st_mode) == 0o700


def test_retention_keeps_the_newest_per_day_and_per_month(tmp_path):
    names = [
        "baobao-20260915-023000.tar",  # September's newest: a monthly
        "baobao-20260901-023000.tar",
        "baobao-20261031-023000.tar",  # October's newest
        "baobao-20261120-023000.tar",
        "baobao-20261130-023000.tar",  # November's newest
        "baobao-20261201-023000.tar",
        "baobao-20261202-023000.tar",
        "baobao-20261203-023000.tar",
        "baobao-20261203-150000.tar",  # a second backup that day: the newest of the day
        "baobao-20261204-023000.tar",
        "notes.txt",  # not ours: never touched
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    removed = prune(folder=tmp_path, keep_daily=3, keep_monthly=3)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == [
        "baobao-20261031-023000.tar",
        "baobao-20261130-023000.tar",
        "baobao-20261202-023000.tar",
        "baobao-20261203-150000.tar",
        "baobao-20261204-023000.tar",
        "notes.txt",
    ]
    assert len(removed) == len(names) - len(kept)


def test_the_nightly_flow_backs_up_and_prunes(filled, data_dir, policy_file):
    from config.settings import configure
    from flows.backup_flow import backup_flow

    url, rows, _ = filled
    policy_file("keep_daily = 7", "keep_daily = 1")
    policy_file("keep_monthly = 12", "keep_monthly = 1")
    configure(database_url=url)
    old = data_dir / "backups" / "baobao-20200101-023000.tar"
    old.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    old.write_bytes(b"x")
    result = backup_flow.fn()
    assert Path(result["archive"]).is_file() and result["removed"] == [old.name]
    assert not old.exists()
    assert archive.read_manifest(path=result["archive"])["tables"]["hazard"] == len(rows["hazard"])
    assert os.path.getsize(result["archive"]) == result["size"]
    get_engine(url).dispose()


def test_an_output_folder_around_the_data_directory_leaves_nothing_out(filled, cli, data_dir):
    url, _, files = filled
    made = _backup(cli, url, "--out", str(data_dir.parent))  # e.g. --out /srv, data in /srv/data
    assert made["files"] == len(files)
    inside = _backup(cli, url, "--out", str(data_dir / "elsewhere"))  # backups inside the data
    manifest = archive.read_manifest(path=inside["archive"])
    assert not any("elsewhere" in name for name in manifest["files"])


def test_the_nightly_backup_is_a_scheduled_job(cli, tmp_path, data_dir):
    url = f"sqlite:///{tmp_path}/new.db"
    code, out, _ = cli("--db", url, "scheduler", "--list", "--json")
    job = next(j for j in json.loads(out)["jobs"] if j["name"] == "backup")
    assert code == 0 and job["flow"] == "backup_flow" and job["cron"] == "30 2 * * *"
    assert job["timezone"] == "Asia/Shanghai"
    code, _, err = cli("--db", url, "backup")  # nothing to back up before init
    assert code == 2 and "尚未初始化" in err
