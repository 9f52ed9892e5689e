"""Every download formula-safe (one helper, services.core.cells), the security headers (HSTS
over https, Permissions-Policy), and the per-request upload limits of [web]."""

import csv
import io
import re
import socket

import openpyxl
import pytest
from sqlalchemy import select
from sqlmodel import Session

from config.files import _policy, load_policy
from models.db import get_engine
from models.evidence import HazardEvidence
from models.jurisdiction import Jurisdiction
from services.core.cells import FORMULA_STARTS, csv_cell, csv_uncell, looks_like_formula
from services.core.uploads import max_request_bytes
from tests.e2e.conftest import ServedApp
from tests.support import web as support
from tests.support.waiting import free_port
from tests.support.web import PNG, csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures

HOSTILE = ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "＝1+1", "－1"]


def test_the_formula_test_and_the_csv_cell():
    for text in HOSTILE:
        assert looks_like_formula(text)
        assert csv_cell(text) == "'" + text and csv_uncell(csv_cell(text)) == text
    for text in ("北岭镇", "'引号", "13800000000", "", " =前有空格", "-1.5", "+3", "-12.0%"):
        assert not looks_like_formula(text) and csv_cell(text) == text
    assert csv_cell(None) == "" and csv_cell(-3) == "-3" and csv_cell(0.5) == "0.5"
    assert set(FORMULA_STARTS) >= {"=", "+", "-", "@"}


def _rename_township(world, name: str) -> str:
    """Give T1 (the demo town's township) a hostile name; returns its code."""
    with Session(get_engine(world.url)) as session:
        town = session.exec(
            select(Jurisdiction).where(Jurisdiction.level == "township").order_by(Jurisdiction.id)
        ).first()[0]
        town.name, code = name, town.code
        session.commit()
    return code


def test_the_ranking_csv_quotes_a_township_name_that_is_a_formula(world, client_for):
    hostile = HOSTILE[0]
    _rename_township(world, hostile)
    response = client_for("supervisor_county").get("/office/ranking?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[1] for row in rows[1:]]
    assert "'" + hostile in names and hostile not in names
    assert not any(looks_like_formula(cell) for row in rows for cell in row)


def test_the_roster_export_writes_a_formula_name_as_quoted_text(world, client_for):
    hostile = HOSTILE[1]
    _rename_township(world, hostile)
    response = client_for("admin_county").get("/admin/roster/export.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [c for row in book["区划"].iter_rows() for c in row if c.value == hostile]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_security_headers_and_hsts_only_over_https(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as plain, TestClient(app, base_url="https://testserver") as secure:
        over_http, over_https = plain.get("/login"), secure.get("/login")
    for response in (over_http, over_https):
        policy = response.headers["permissions-policy"]
        assert "camera=()" in policy and "geolocation=()" in policy
        assert response.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in over_http.headers
    days = load_policy().web.hsts_max_age_days
    assert over_https.headers["strict-transport-security"] == f"max-age={days * 86400}"


def test_too_many_files_in_one_submission_are_refused(policy_file, world, client_for):
    policy_file("upload_max_files = 20 ", "upload_max_files = 2 ")
    _policy.cache_clear()  # the world was built with the policy as it was
    client = client_for("officer_a")
    hazard_id = world.hazards["a"]
    page = client.get(f"/hazards/{hazard_id}")

    def report(count: int):
        files = [
            ("evidence", (f"整改{n}.png", PNG + bytes([n]), "image/png")) for n in range(count)
        ]
        return client.post(
            f"/hazards/{hazard_id}/report",
            data={"csrf": csrf_of(page.text), "note": "已整改"},
            files=files,
            follow_redirects=False,
        )

    refused = report(3)
    assert refused.status_code == 400 and "一次最多上传 2 个文件" in refused.text
    with Session(get_engine(world.url)) as session:
        assert not session.exec(select(HazardEvidence)).all()
    assert report(2).status_code == 303


def _raw_post(port: int, path: str, length: int, body: bytes = b"") -> bytes:
    """POST with a Content-Length of length but only body sent; the server's first answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\n\r\n".encode()
            + body
        )
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < int(
            re.search(rb"content-length: (\d+)", answer.lower()).group(1)
            if b"content-length" in answer.lower()
            else 0
        ):
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_oversized_submission_is_refused_before_its_body_is_read(policy_file, world, db_url):
    from web.app import create_app

    policy_file("upload_max_request_mb = 80 ", "upload_max_request_mb = 1 ")
    _policy.cache_clear()  # the world was built with the policy as it was
    port = free_port()
    served = ServedApp(create_app(database_url=world.url), port).start()
    try:
        limit = 2**20
        answer = _raw_post(port, f"/hazards/{world.hazards['a']}/report", limit + 1)
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413")  # answered with no byte of the body sent
        assert "一次最多 1 MB" in body.decode("utf-8")
        api = _raw_post(port, f"/api/hazards/{world.hazards['a']}/report", limit + 1)
        assert api.startswith(b"HTTP/1.1 413") and "一次最多 1 MB".encode() in api
        roster_limit = max_request_bytes(roster=True)  # its own, larger limit
        assert roster_limit == load_policy().roster.max_file_mb * 2**20 + 2**20 > limit
        roster = _raw_post(port, "/admin/roster", roster_limit + 1)
        assert roster.startswith(b"HTTP/1.1 413")
    finally:
        served.stop()
