"""Workbooks from other systems: header aliases from policy.toml, a --mapping file for the rest,
sheets found by their headers when their names differ, and every column or sheet not read listed
as ignored (never silently); a mapping that does not fit the workbook is refused."""

import json

import pytest
from openpyxl import Workbook
from sqlmodel import Session

from services.roster.importer import import_roster
from tests.support.roster_books import TODAY, Book, snapshot

RENAMED = {"包保主体": "主体名单", "包保干部": "Sheet2"}  # one named by a mapping, one not at all
OTHER_HEADERS = {  # as another system writes them
    "主体名称": "单位名称*",
    "所属区划代码": "所属区划",
    "负责人": "经营者姓名",  # no alias: the mapping file names it
    "联系电话": "联系方式",
    "食品安全员": "食安员",
    "登记备案编号": "小作坊登记证编号",
}
MAPPING = """
[sheets]
"主体名单" = "包保主体"

[columns."包保主体"]
"经营者姓名" = "负责人"
"""


def _other_system(path, book: Book | None = None):
    """The full county as another system exports it: other sheet names, other headers, a
    remarks column and a statistics sheet."""
    book = book or Book.full()
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.create_sheet("统计").append(["合计", 9])
    for name, rows in book.sheets.items():
        ws = workbook.create_sheet(RENAMED.get(name, name))
        headers = list(book.headers[name])
        if name == "包保主体":
            headers = [OTHER_HEADERS.get(h.rstrip("*"), h) for h in headers]
        ws.append([*headers, "备注"])
        for row in rows:
            ws.append([*row, "无"])
    workbook.save(path)
    return path


def _import(engine, path, **options):
    with Session(engine) as session:
        result = import_roster(session=session, path=path, **options)
        session.commit()
    return result


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "对照.toml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def test_another_systems_workbook_imports_with_aliases_a_mapping_and_headers(
    engine, tmp_path, set_today, mapping
):
    set_today(TODAY)
    result = _import(engine, _other_system(tmp_path / "other.xlsx"), mapping=mapping)
    assert result.ok, [e.as_dict() for e in result.errors]
    assert result.counts["包保主体"]["created"] == 9 and result.counts["包保干部"]["created"] == 7
    ignored = {(i.sheet, i.column) for i in result.ignored}
    assert ("统计", None) in ignored and ("主体名单", "备注") in ignored
    assert ("Sheet2", "备注") in ignored  # 包保干部, found by its headers
    assert all(i.column is None or i.cell.endswith("1") for i in result.ignored)
    again = _import(engine, Book.full().save(tmp_path / "ours.xlsx"))
    assert all(c["created"] == c["updated"] == c["ended"] == 0 for c in again.counts.values())


def test_a_mapping_naming_a_column_the_workbook_lacks_is_refused_at_the_header(
    engine, tmp_path, set_today
):
    set_today(TODAY)
    _import(engine, Book.full().save(tmp_path / "good.xlsx"))
    before = snapshot(engine)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[columns."包保主体"]\n"法人代表" = "负责人"\n', encoding="utf-8")
    result = _import(engine, Book.full().save(tmp_path / "again.xlsx"), mapping=wrong)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("包保主体", 1, "负责人")]
    assert "法人代表" in result.errors[0].message
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('[sheets]\n"主体名单" = "主体"\n', "不是名册的工作表"),
        ('[columns."包保主体"]\n"经营者" = "法人"\n', "没有“法人”列"),
        ('[columns]\n"经营者" = 1\n', '[columns."表名"]'),
        ("[tables]\n", "不认识"),
        ("sheets = [", "不是有效的 TOML"),
    ],
)
def test_a_broken_mapping_file_stops_the_import(cli, db_url, tmp_path, content, words):
    path = tmp_path / "m.toml"
    path.write_text(content, encoding="utf-8")
    book = Book.full().save(tmp_path / "roster.xlsx")
    code, out, err = cli(
        "--db", db_url, "--today", TODAY, "roster", "import", str(book), "--mapping", str(path)
    )
    assert code == 2 and out == "" and words in err


def test_ignored_columns_are_reported_in_json_and_on_stderr(cli, db_url, tmp_path, mapping):
    path = _other_system(tmp_path / "other.xlsx")
    args = (
        "--db",
        db_url,
        "--today",
        TODAY,
        "roster",
        "import",
        str(path),
        "--mapping",
        str(mapping),
    )
    code, out, _ = cli(*args, "--json")
    report = json.loads(out)
    assert code == 0 and {"sheet": "统计", "column": None, "cell": None} in report["ignored"]
    assert {"sheet": "主体名单", "column": "备注", "cell": "O1"} in report["ignored"]
    assert report["people_linked"] == 1
    code, _, err = cli(*args, "--dry-run")
    assert code == 0 and "已忽略“主体名单”表 O1 列“备注”" in err and "已忽略工作表“统计”" in err


def test_two_sheets_that_look_like_one_are_refused(cli, db_url, tmp_path):
    book = Book.full()
    path = tmp_path / "twice.xlsx"
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title in ("主体一", "主体二"):
        ws = workbook.create_sheet(title)
        ws.append(book.headers["包保主体"])
        for row in book.sheets["包保主体"]:
            ws.append(row)
    workbook.save(path)
    code, out, err = cli(
        "--db", db_url, "--today", TODAY, "roster", "import", str(path), "--partial"
    )
    assert code == 2 and "主体一、主体二 看起来都是“包保主体”" in err
