"""Downloads of the visit paperwork: an officer prints the record of their own visit (never
another's), the office prints records merged for an officer or a township and the 督导台账,
within its subtree only; the buttons are on the pages."""

import io
import zipfile

import openpyxl
import pytest

from tests.support import web as support

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_an_officer_prints_their_own_visit_only(world, client_for):
    a = client_for("officer_a")
    page = a.get(f"/tasks/{world.tasks['a_done']}")
    assert f'href="/tasks/{world.tasks["a_done"]}/record.pdf"' in page.text
    response = a.get(f"/tasks/{world.tasks['a_done']}/record.pdf")
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    assert "attachment" in response.headers["content-disposition"]
    assert a.get(f"/tasks/{world.tasks['a_open']}/record.pdf").status_code == 404  # no visit yet
    b = client_for("officer_b")
    assert b.get(f"/tasks/{world.tasks['a_done']}/record.pdf").status_code == 404
    assert (
        client_for("supervisor_t1").get(f"/tasks/{world.tasks['a_done']}/record.pdf").status_code
        == 200
    )
    assert (
        client_for("supervisor_t2").get(f"/tasks/{world.tasks['a_done']}/record.pdf").status_code
        == 404
    )


def test_the_office_prints_merged_records_and_the_ledger(world, client_for):
    office = client_for("supervisor_county")
    officer = world.accounts["officer_a"]
    assert "/office/visits/records" in office.get(f"/office/officers/{officer}").text
    downloads = office.get("/office/downloads").text
    assert "/office/visits/ledger.xlsx" in downloads and "督导检查记录表" in downloads
    one = office.get("/office/visits/records", params={"period": "2026Q3", "officer": officer})
    assert one.status_code == 200 and one.content[:5] == b"%PDF-"
    county = office.get("/office/visits/records", params={"period": "2026Q3"})
    assert county.status_code == 200
    if county.content[:2] == b"PK":  # several townships: one PDF each in a zip
        assert all(
            n.endswith(".pdf") for n in zipfile.ZipFile(io.BytesIO(county.content)).namelist()
        )
    ledger = office.get("/office/visits/ledger.xlsx", params={"period": "2026Q3"})
    sheet = openpyxl.load_workbook(io.BytesIO(ledger.content))["督导台账"]
    assert sheet.max_row == 3 + 2  # the two visits of the world
    assert office.get("/office/visits/records", params={"period": "2026Q9"}).status_code == 400


def test_an_office_sees_nothing_outside_its_subtree(world, client_for):
    t2 = client_for("supervisor_t2")
    officer = world.accounts["officer_a"]
    assert (
        t2.get(
            "/office/visits/records", params={"period": "2026Q3", "officer": officer}
        ).status_code
        == 404
    )
    assert (
        t2.get("/office/visits/ledger.xlsx", params={"jurisdiction": "510101000000"}).status_code
        == 404
    )
    assert client_for("officer_a").get("/office/visits/ledger.xlsx").status_code in (303, 403, 404)
