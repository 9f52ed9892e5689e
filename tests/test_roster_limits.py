"""Roster workbook limits, [roster] max_file_mb and max_cells in policy.toml: exactly the limit
imports, one byte or one cell over is refused with the Chinese message and nothing written."""

import zipfile
from pathlib import Path

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.core.errors import BadInput
from services.roster import limits
from services.roster.importer import import_roster
from tests.support.roster_books import TODAY, Book, counts, snapshot

MB = 2**20


def padded(source: Path, target: Path, size: int) -> Path:
    """A copy of the workbook with a stored filler member, exactly size bytes long."""

    def write(filler: int) -> None:
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
            for item in old.infolist():
                new.writestr(item, old.read(item.filename))
            new.writestr(zipfile.ZipInfo("docProps/filler.bin"), b"\0" * filler)

    write(0)
    write(size - target.stat().st_size)
    assert target.stat().st_size == size
    return target


def cells_of(path: Path) -> int:
    """Cells the reader sees across every sheet of the workbook."""
    from services.roster.xlsx import Workbook

    with zipfile.ZipFile(path) as archive:
        workbook = Workbook(archive)
        return sum(len(row) for title in workbook.sheets for row in workbook.rows(title))


def roster_import(cli, db_url: str, path: Path) -> tuple[int, str, str]:
    return cli("--db", db_url, "--today", TODAY, "roster", "import", str(path))


def test_the_limits_are_policy_keys_with_the_documented_defaults():
    assert limits.max_bytes() == 50 * MB and limits.max_cells() == 2_000_000
    limits.check_size(name="名册.xlsx", size=50 * MB)
    with pytest.raises(BadInput, match=r"名册\.xlsx 大小 50\.0 MB，超过 50 MB 上限，已拒绝"):
        limits.check_size(name="名册.xlsx", size=50 * MB + 1)


def test_a_workbook_of_exactly_50_mb_imports_and_one_byte_more_is_refused(cli, db_url, tmp_path):
    engine = get_engine(db_url)
    good = Book().save(tmp_path / "good.xlsx")
    before = snapshot(engine)
    code, out, err = roster_import(cli, db_url, padded(good, tmp_path / "over.xlsx", 50 * MB + 1))
    assert code == 2 and out == ""
    assert err.strip() == (
        "错误：文件 over.xlsx 大小 50.0 MB，超过 50 MB 上限，已拒绝；大名册请用 CSV 文件夹导入"
    )
    assert snapshot(engine) == before
    code, out, err = roster_import(cli, db_url, padded(good, tmp_path / "exact.xlsx", 50 * MB))
    assert code == 0, err
    assert counts(engine)["entity"] == 7


def test_max_file_mb_from_the_policy_sets_the_edge(cli, db_url, tmp_path, policy_file):
    policy_file("max_file_mb = 50 ", "max_file_mb = 1 ")
    engine = get_engine(db_url)
    good = Book().save(tmp_path / "good.xlsx")
    before = counts(engine)
    code, _, err = roster_import(cli, db_url, padded(good, tmp_path / "over.xlsx", MB + 1))
    assert code == 2 and "超过 1 MB 上限" in err
    assert counts(engine) == before
    code, _, err = roster_import(cli, db_url, padded(good, tmp_path / "exact.xlsx", MB))
    assert code == 0, err
    assert counts(engine)["entity"] == 7


@pytest.mark.parametrize("over", [0, 1], ids=["exactly-the-limit", "one-cell-over"])
def test_max_cells_from_the_policy_sets_the_edge(over, engine, tmp_path, policy_file, set_today):
    set_today(TODAY)
    book = Book().save(tmp_path / "book.xlsx")
    limit = cells_of(book) - over
    policy_file("max_cells = 2000000 ", f"max_cells = {limit} ")
    before = snapshot(engine)
    with Session(engine) as session:
        if over:
            with pytest.raises(BadInput) as refused:
                import_roster(session=session, path=book)
            assert str(refused.value) == (
                f"工作簿 book.xlsx 超过 {limit:,} 个单元格，已拒绝；大名册请用 CSV 文件夹导入"
            )
        else:
            assert import_roster(session=session, path=book).ok
        session.commit()
    assert (snapshot(engine) == before) is bool(over)


@pytest.mark.parametrize("edit", ["max_file_mb = 0 ", "max_cells = 0 "])
def test_a_limit_below_one_stops_the_command_naming_the_key(
    edit, cli, db_url, tmp_path, policy_file
):
    key = edit.split(" ")[0]
    policy_file(f"{key} = {50 if key == 'max_file_mb' else 2000000} ", edit)
    code, out, err = roster_import(cli, db_url, Book().save(tmp_path / "book.xlsx"))
    assert code == 2 and out == ""
    assert f"roster.{key}" in err and "数值过小" in err
