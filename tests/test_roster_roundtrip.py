"""Export → import changes nothing, with every new column filled (登记备案编号, a codeless 摊贩
with a space in its name, 负责人, mobile and landline 联系电话 with 分机, 食品安全总监,
食品安全员, the 信息员 sheet, one person both officer and 信息员), as .xlsx, as CSV and after a
LibreOffice re-save; on both databases."""

import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import Session

from services.roster.export import export_roster
from services.roster.importer import import_roster
from tests.support.roster_books import STALL, TODAY, Book, snapshot


def _import(engine, path):
    with Session(engine) as session:
        result = import_roster(session=session, path=path)
        session.commit()
    assert result.ok, [e.as_dict() for e in result.errors]
    return result


def _export(engine, path):
    with Session(engine) as session:
        return export_roster(session=session, path=path)


def _nothing_changed(result) -> bool:
    return all(c["created"] == c["updated"] == c["ended"] == 0 for c in result.counts.values())


def _libreoffice_resave(source, folder):
    """The workbook opened and saved again by LibreOffice Calc (as a county office would)."""
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(folder / "resaved"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = folder / "resaved" / source.name
    assert "LibreOffice" in _application(resaved)
    return resaved


def _application(path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("docProps/app.xml").decode()


@pytest.fixture
def full(engine, tmp_path, set_today):
    set_today(TODAY)
    first = _import(engine, Book.full().save(tmp_path / "full.xlsx"))
    assert first.people_linked == 1  # 郑大勇: officer SL2001 and 信息员, one 手机号
    return engine


def test_every_new_column_is_stored_and_exported(full, tmp_path):
    assert full.dialect.name in ("sqlite", "postgresql")
    path = tmp_path / "export.xlsx"
    counts = _export(full, path)
    assert counts["信息员"] == 2 and counts["包保主体"] == 9
    entities = {
        r[3].value: [c.value for c in r]
        for r in load_workbook(path)["包保主体"].iter_rows(min_row=2)
    }
    assert entities["示例县河口食品有限公司"][10:] == [
        "何志强",
        "0831-5201234",
        "刘海燕",
        "张丽、王军",
    ]
    assert entities["青山镇松林农家乐"][11] == "0831-5209876-802"
    assert entities[STALL][:3] == [None, None, None]
    relations = [[c.value for c in r] for r in load_workbook(path)["包保关系"].iter_rows(min_row=2)]
    assert ["SL2002", None, None, None, STALL, "511000100201"] in [r[:6] for r in relations]


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(full, tmp_path, form):
    target = tmp_path / ("roster.xlsx" if form == "xlsx" else "roster")
    _export(full, target)
    before = snapshot(full)
    again = _import(full, target)
    assert _nothing_changed(again) and again.ignored == []
    changed = {t for t in before if snapshot(full)[t] != before[t]}
    assert changed == {"audit_event"}  # only the import's own event


@pytest.mark.skipif(
    not shutil.which("soffice"), reason="scripts/system-deps.sh installs LibreOffice"
)
def test_a_libreoffice_resave_of_the_export_imports_without_change(full, tmp_path):
    exported = tmp_path / "export.xlsx"
    _export(full, exported)
    resaved = _libreoffice_resave(exported, tmp_path)
    before = {t: rows for t, rows in snapshot(full).items() if t != "audit_event"}
    result = _import(full, resaved)
    assert _nothing_changed(result), result.counts
    assert {t: rows for t, rows in snapshot(full).items() if t != "audit_event"} == before
    with full.connect() as connection:
        phones = set(
            connection.execute(text("SELECT phone FROM entity WHERE phone IS NOT NULL")).scalars()
        )
    assert {"0831-5201234", "0831-5209876-802", "13900000021"} <= phones


def test_one_mobile_is_one_person_across_officer_and_informant(full):
    from services.roster.persons import person_of

    with Session(full) as session:
        person = person_of(session=session, mobile="13800000003")
        assert [o.code for o in person.officers] == ["SL2001"]
        assert [i.name for i in person.informants] == ["郑大勇"] and person.linked
        assert not person_of(session=session, mobile="13800000001").linked
        assert person_of(session=session, mobile=None) is None
