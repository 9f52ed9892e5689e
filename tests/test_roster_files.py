"""What real files contain: messy workbooks, LibreOffice, CSV folders in three encodings, and
hostile or wrong files (refused with a clear Chinese message, nothing written)."""

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import text
from sqlmodel import Session

from services.roster.importer import import_roster
from tests.support.roster_books import CREDIT_5, TODAY, Book, snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "roster"


def _import(engine, path, **options):
    with Session(engine) as session:
        result = import_roster(session=session, path=path, **options)
        session.commit()
    return result


def _rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql))]


def _messy_workbook(path: Path) -> Path:
    """The test county as a hand-kept workbook: title rows, odd headers, numbers as codes,
    dates in every form, full-width characters, stray blanks, extra columns, empty rows."""
    good = Book()
    workbook = Workbook()
    workbook.remove(workbook.active)
    ws = workbook.create_sheet(" 区划 ")
    ws.append(["示例县区划表"])
    ws.append(["区划代码 *", "名称＊", "层级（市/县/乡镇/村）", "上级区划代码", "备注"])
    for code, name, level, parent in good.sheets["区划"]:
        level = {"乡镇": "镇", "村": "社区"}.get(level, level)
        ws.append([int(code), f" {name} ", level, float(parent) if parent else None, "x"])
    ws.append([None, None, None, None])
    ws.append(["", "  ", None, None])
    ws = workbook.create_sheet("包保干部")
    ws.append(
        ["干部编号*", "姓名*", "层级*", "职务", "所属区划代码*", "手机号码", "电子邮箱", "企业微信"]
    )
    for row in good.sheets["包保干部"]:
        code, name, tier, title, place, mobile, email, wecom = row
        ws.append(
            [
                code.replace("SL", "ＳＬ"),
                name,
                tier,
                title,
                place,
                float(mobile) if code == "SL0001" else int(mobile),
                email,
                wecom,
            ]
        )
    ws = workbook.create_sheet("食安办人员")
    ws.append(["账号", "姓名", "所属区划代码", "角色", "手机号", "邮箱", "企业微信账号"])
    for row in good.sheets["食安办人员"]:
        ws.append(row)
    ws = workbook.create_sheet("包保主体")
    ws.append(
        [
            "统一社会信用代码（二选一）",
            "许可证编号（二选一）",
            "主体名称",
            "业态",
            "主体等级（A-D）",
            "风险等级（A-D）",
            "所属区划代码",
            "经营地址",
            "营业状态",
            "法定代表人（负责人）",
            "联系方式",
            "食安总监",
            "食品安全管理员",
        ]
    )
    for row in good.sheets["包保主体"]:
        credit, licence, _, *rest = row
        credit = credit.lower() if credit == CREDIT_5 else credit
        phone = rest[8]
        if phone and "-" in phone:  # a landline as people write it
            area, number, *extension = phone.split("-")
            phone = f"({area}){number}" + (f"转{extension[0]}" if extension else "")
        ws.append(
            [
                credit,
                f" {licence} " if licence else None,
                *rest[:2],
                f"{rest[2]}级",
                *rest[3:8],
                int(phone) if phone and phone.isdigit() else phone,
                *rest[9:],
            ]
        )
    ws = workbook.create_sheet("包保关系")
    ws.append(["干部编号", "统一社会信用代码", "许可证编号", "开始日期", "结束日期"])
    forms = [
        dt.date(2025, 1, 1),
        "2025/1/1",
        "2025.3.1",
        "2025年3月1日",
        "２０２５-０６-０１",
        45809,
    ]
    for row, start in zip(good.sheets["包保关系"], forms, strict=True):
        ws.append([row[0], row[1], row[2], start, None])
    return _saved(workbook, path)


def _saved(workbook: Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def _expected_state(engine) -> None:
    officers = _rows(engine, "SELECT code, mobile, tier FROM officer ORDER BY code")
    assert officers[0] == ("SL0001", "13800000001", "county") and len(officers) == 7
    places = _rows(engine, "SELECT code, name, level, path FROM jurisdiction ORDER BY code")
    assert places[0] == ("511000000000", "示例县", "county", "/511000000000/")
    assert places[2] == (
        "511000100200",
        "柳湾村",
        "village",
        "/511000000000/511000100000/511000100200/",
    )
    starts = _rows(engine, "SELECT start_date FROM assignment ORDER BY id")
    assert [str(s) for (s,) in starts] == [
        "2025-01-01",
        "2025-01-01",
        "2025-03-01",
        "2025-03-01",
        "2025-06-01",
        "2025-06-01",
    ]
    codes = {c for (c,) in _rows(engine, "SELECT credit_code FROM entity") if c}
    assert CREDIT_5 in codes


def test_a_messy_hand_kept_workbook_imports_exactly(engine, tmp_path, set_today):
    set_today(TODAY)
    result = _import(engine, _messy_workbook(tmp_path / "messy.xlsx"))
    assert result.ok, [e.as_dict() for e in result.errors]
    _expected_state(engine)
    again = _import(engine, Book().save(tmp_path / "clean.xlsx"))
    assert again.ok and all(
        c["created"] == c["updated"] == c["ended"] == 0 for c in again.counts.values()
    )


def test_a_workbook_saved_by_libreoffice_imports(engine, set_today):
    set_today(TODAY)
    path = FIXTURES / "libreoffice-county.xlsx"
    with zipfile.ZipFile(path) as archive:
        assert b"LibreOffice" in archive.read("docProps/app.xml")
    result = _import(engine, path)
    assert result.ok, [e.as_dict() for e in result.errors]
    _expected_state(engine)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_folder_in_each_encoding_imports(engine, tmp_path, set_today, encoding):
    set_today(TODAY)
    book = Book()
    book.set("包保干部", 2, "手机号", "13800000001.0")
    folder = book.save_csv(tmp_path / "roster", encoding=encoding)
    (folder / "说明.csv").write_text("不是名册\n", encoding="utf-8")
    result = _import(engine, folder)
    assert result.ok, [e.as_dict() for e in result.errors]
    _expected_state(engine)
    assert _rows(engine, "SELECT name FROM entity ORDER BY id")[0] == ("示例县河口食品有限公司",)


def test_csv_errors_name_the_record_number(engine, tmp_path, set_today):
    set_today(TODAY)
    folder = (
        Book()
        .set("包保干部", 4, "邮箱", "坏邮箱")
        .save_csv(tmp_path / "roster", encoding="gb18030")
    )
    result = _import(engine, folder)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("包保干部", 4, "邮箱")]


def test_a_csv_folder_without_some_sheets_needs_partial(engine, tmp_path, set_today):
    set_today(TODAY)
    folder = Book().save_csv(tmp_path / "roster")
    _import(engine, folder)
    (folder / "区划.csv").unlink()
    (folder / "食安办人员.csv").unlink()
    full = _import(engine, folder)
    assert [(e.sheet, e.row) for e in full.errors] == [("区划", None), ("食安办人员", None)]
    partial = _import(engine, folder, partial=True)
    assert partial.ok and set(partial.counts["包保主体"].values()) == {0, 7}


# --- untrusted files: refused with one Chinese line, exit 2, nothing written --------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _replace_member(source: Path, target: Path, name: str, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, change(data) if item.filename == name else data)
    return target


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def _body(xml: bytes) -> bytes:
    """The XML without its declaration."""
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = Book().save(tmp_path / "good.xlsx")
    big = tmp_path / "big.xlsx"
    with big.open("wb") as handle:
        handle.truncate(51 * 2**20)
    text_file = tmp_path / "roster.xlsx"
    text_file.write_text("这不是工作簿", encoding="utf-8")
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)

    def laughs(data: bytes) -> bytes:
        return LAUGHS + _body(data).replace(b"<sheetData>", b"<sheetData><!-- &lol3; -->", 1)

    def external(data: bytes) -> bytes:
        return (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + _body(data)
        )

    return {
        "over-50-mb": (big, "50 MB"),
        "not-a-workbook": (text_file, "不是 Excel 工作簿"),
        "old-xls": (xls, ".xls"),
        "zip-without-workbook": (
            _zip(tmp_path / "other.xlsx", {"a.txt": b"x"}),
            "不是 Excel 工作簿",
        ),
        "billion-laughs": (
            _replace_member(good, tmp_path / "laughs.xlsx", "xl/worksheets/sheet1.xml", laughs),
            "不安全",
        ),
        "external-entity": (
            _replace_member(good, tmp_path / "xxe.xlsx", "xl/workbook.xml", external),
            "不安全",
        ),
        "broken-xml": (
            _replace_member(
                good,
                tmp_path / "broken.xlsx",
                "xl/worksheets/sheet2.xml",
                lambda d: d[: len(d) // 2],
            ),
            "无法读取",
        ),
        "missing-file": (tmp_path / "nowhere.xlsx", "找不到"),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "over-50-mb",
        "not-a-workbook",
        "old-xls",
        "zip-without-workbook",
        "billion-laughs",
        "external-entity",
        "broken-xml",
        "missing-file",
    ],
)
def test_untrusted_files_are_refused_clearly(kind, cli, db_url, tmp_path, set_today):
    from models.db import get_engine

    path, words = _bad_files(tmp_path)[kind]
    engine = get_engine(db_url)
    _import(engine, Book().save(tmp_path / "first.xlsx"))
    before = snapshot(engine)
    code, out, err = cli("--db", db_url, "--today", TODAY, "roster", "import", str(path))
    assert code == 2 and out == ""
    assert err.startswith("错误：") and words in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(engine) == before


def test_formulas_are_read_as_their_saved_values_never_evaluated(engine, tmp_path, set_today):
    set_today(TODAY)
    good = Book().save(tmp_path / "good.xlsx")
    cell = '<c r="D2" t="str"><f>HYPERLINK("http://evil.example","x")</f><v>公式里的名称</v></c>'

    def inject(data: bytes) -> bytes:
        start = data.index(b'<c r="D2"')
        end = data.index(b"</c>", start) + 4
        return data[:start] + cell.encode() + data[end:]

    with zipfile.ZipFile(good) as archive:
        names = archive.namelist()
    sheet = next(n for n in names if n.endswith("sheet4.xml"))
    path = _replace_member(good, tmp_path / "formula.xlsx", sheet, inject)
    result = _import(engine, path)
    assert result.ok
    assert ("公式里的名称",) in _rows(engine, "SELECT name FROM entity")
