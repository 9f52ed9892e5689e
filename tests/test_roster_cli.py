"""The roster commands: template, import (table, JSON, exit codes, dry run), export."""

import json

from models.db import get_engine
from tests.support.roster_books import TODAY, Book, snapshot


def _many_errors(tmp_path, n: int = 60):
    book = Book()
    for i in range(n):
        book.add(
            "包保干部",
            [f"XX{i:04d}", "某人", "村级", None, "511000100201", f"1{i:04d}", None, None],
        )
    return book.save(tmp_path / "bad.xlsx")


def test_template_import_and_export_from_the_command_line(cli, db_url, tmp_path):
    code, out, _ = cli("roster", "template", str(tmp_path / "模板.xlsx"))
    assert code == 0 and "已生成名册模板" in out and (tmp_path / "模板.xlsx").is_file()
    path = Book().save(tmp_path / "roster.xlsx")
    code, out, err = cli("--db", db_url, "--today", TODAY, "roster", "import", str(path), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["sheets"]["包保主体"] == {"created": 7, "updated": 0, "unchanged": 0, "ended": 0}
    assert report["errors"] == [] and report["written"] is True and len(report["sha256"]) == 64
    code, out, _ = cli("--db", db_url, "--today", TODAY, "roster", "import", str(path))
    assert code == 0 and "导入完成" in out and "未变" in out
    code, out, _ = cli(
        "--db", db_url, "--today", TODAY, "roster", "export", str(tmp_path / "out.xlsx")
    )
    assert code == 0 and "包保主体 7 行" in out


def test_errors_print_a_table_of_at_most_50_then_the_total(cli, db_url, tmp_path):
    before = snapshot(get_engine(db_url))
    code, out, err = cli(
        "--db", db_url, "--today", TODAY, "roster", "import", str(_many_errors(tmp_path))
    )
    assert code == 2
    assert out.count("│ 包保干部 │") == 50 and "显示前 50 处" in out
    assert "“10049”" in out and "“10050”" not in out
    assert err.strip() == "错误：共 60 处错误，未写入任何数据。"
    assert snapshot(get_engine(db_url)) == before


def test_json_lists_every_error_and_exits_2(cli, db_url, tmp_path):
    before = snapshot(get_engine(db_url))
    code, out, _ = cli(
        "--db", db_url, "--today", TODAY, "roster", "import", str(_many_errors(tmp_path)), "--json"
    )
    assert code == 2
    report = json.loads(out)
    assert report["error_total"] == 60 and len(report["errors"]) == 60
    assert report["errors"][0] == {
        "sheet": "包保干部",
        "row": 9,
        "column": "手机号",
        "message": "手机号“10000”不是 11 位大陆手机号码",
    }
    assert report["written"] is False
    assert snapshot(get_engine(db_url)) == before


def test_dry_run_says_so_and_writes_nothing(cli, db_url, tmp_path):
    before = snapshot(get_engine(db_url))
    code, out, _ = cli(
        "--db",
        db_url,
        "--today",
        TODAY,
        "roster",
        "import",
        str(Book().save(tmp_path / "r.xlsx")),
        "--dry-run",
    )
    assert code == 0 and "试运行" in out
    assert snapshot(get_engine(db_url)) == before


def test_an_uninitialised_database_is_refused(cli, tmp_path):
    code, out, err = cli(
        "--db",
        f"sqlite:///{tmp_path}/new.db",
        "roster",
        "import",
        str(Book().save(tmp_path / "r.xlsx")),
    )
    assert code == 2 and "./baobao init" in err


def test_a_template_name_without_xlsx_is_refused(cli, tmp_path):
    code, _, err = cli("roster", "template", str(tmp_path / "模板.xls"))
    assert code == 2 and ".xlsx" in err
