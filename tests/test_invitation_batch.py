"""Links that arrive and invitations by jurisdiction: one base for every link (BAOBAO_BASE_URL,
else the address the server was started on), bulk invitations by jurisdiction and tier, mail
for officers with an address and a printed QR sheet for the others, whose codes decode back to
links that set a password on the running app."""

import datetime as dt
import json
import re
import subprocess

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlmodel import Session

from config import settings as settings_module
from config.files import load_policy
from models.audit import AuditEvent
from models.db import get_engine
from models.enums import OfficerTier
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from services.accounts.invitation_batch import invite_officers
from services.accounts.invitations import check_invitation
from services.core import clock, links, urls
from services.core.errors import BadInput
from tests.support import web as support
from tests.support.servers import MailServer
from tests.support.web import TODAY, csrf_of, login

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures
T1 = "510101001000"  # the demo town's township


def _village_officers(url: str, township: str) -> list[tuple[str, str | None]]:
    """(code, email) of T1's active village officers, counted a second way (path prefix)."""
    with Session(get_engine(url)) as session:
        path = session.execute(
            select(Jurisdiction.path).where(Jurisdiction.code == township)
        ).scalar_one()
        rows = session.execute(
            select(Officer.code, Officer.email)
            .join(Jurisdiction, Jurisdiction.id == Officer.jurisdiction_id)
            .where(Officer.active, Officer.tier == "village", Jurisdiction.path.startswith(path))
        )
        return sorted(rows)


def test_links_start_with_the_base_url_else_the_address_served_on(tmp_path):
    settings_module.configure(data_dir=tmp_path / "data", base_url=None)
    urls._served.clear()
    assert urls.public_base() == urls.DEFAULT_BASE and urls.public_address_warning()
    served = urls.remember_served(host="127.0.0.1", port=8123)
    assert served == "http://127.0.0.1:8123" == urls.public_base()
    urls._served.clear()  # another process beside the server reads what it remembered
    assert urls.public_base() == served
    link = links.item_link(kind="task", item_id=7, officer_id=1, pv="0a1b2c3d4e5f6a7b")
    assert link.startswith(served + "/tasks/7?k=")
    everywhere = urls.remember_served(host="0.0.0.0", port=8124)
    assert everywhere.endswith(":8124") and "0.0.0.0" not in everywhere
    assert "未设置 BAOBAO_BASE_URL" in urls.public_address_warning()
    settings_module.configure(data_dir=tmp_path / "data", base_url="https://baobao.example.cn/")
    assert urls.public_url("/invite/x") == "https://baobao.example.cn/invite/x"
    assert urls.public_address_warning() is None
    settings_module.configure(data_dir=tmp_path / "data", base_url="http://localhost:8000")
    assert "手机上打不开" in urls.public_address_warning()


def test_bulk_invitation_mails_those_with_an_address_and_sheets_the_rest(world, tmp_path):
    officers = _village_officers(world.url, T1)
    with_mail = {code for code, email in officers if email}
    assert officers and with_mail and len(with_mail) < len(officers)
    mail = MailServer().start()
    try:
        settings_module.configure(
            database_url=world.url,
            today=TODAY,
            data_dir=world.data_dir,
            smtp_host="127.0.0.1",
            smtp_port=mail.port,
            base_url="https://baobao.example.cn",
        )
        with Session(get_engine(world.url)) as session:
            batch = invite_officers(
                session=session,
                jurisdiction=T1,
                tier=OfficerTier.VILLAGE,
                actor="测试",
                on_sheet=True,
            )
            session.commit()
            audited = session.execute(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "account.invite")
            ).scalar()
    finally:
        mail.stop()
    assert sorted(o.code for o in batch.officers) == [code for code, _ in officers]
    assert {o.code for o in batch.officers if o.mailed} == with_mail
    assert batch.queued == len(with_mail) and audited == len(officers)
    policy = load_policy().web
    for o in batch.officers:
        assert o.link.startswith("https://baobao.example.cn/invite/")
        valid = dt.timedelta(hours=policy.invite_valid_hours) if o.mailed else None
        valid = valid or dt.timedelta(days=policy.sheet_invite_days)
        assert o.expires == clock.now() + valid or abs(
            o.expires - clock.now() - valid
        ) < dt.timedelta(seconds=5)
    assert "（村级）" in batch.title


def test_a_sheet_link_outlives_a_mailed_one_and_ends_on_its_day(world):
    with Session(get_engine(world.url)) as session:
        batch = invite_officers(
            session=session, jurisdiction=T1, tier=OfficerTier.VILLAGE, actor="测试"
        )
        session.commit()
    card = batch.on_sheet[0]
    days = load_policy().web.sheet_invite_days
    hours = load_policy().web.invite_valid_hours
    token = card.link.rpartition("/invite/")[2]
    for later, works in (
        (dt.timedelta(hours=hours + 24), True),
        (dt.timedelta(days=days, hours=1), False),
    ):
        world.set_today(TODAY + dt.timedelta(days=later.days + (1 if later.seconds else 0)))
        with Session(get_engine(world.url)) as session:
            if works:
                assert check_invitation(session=session, token=token)[1].code == card.code
            else:
                with pytest.raises(links.BadLink, match="过期"):
                    check_invitation(session=session, token=token)


def test_a_jurisdiction_outside_the_admins_subtree_or_without_officers_is_refused(world):
    with Session(get_engine(world.url)) as session:
        with pytest.raises(BadInput, match="不存在"):
            invite_officers(
                session=session, jurisdiction="510101002000", tier=None, actor="t", scope_path="/x/"
            )
        with pytest.raises(BadInput, match="没有"):
            invite_officers(session=session, jurisdiction=T1, tier=OfficerTier.CITY, actor="t")


def _decode_pdf(pdf: bytes, folder) -> list[str]:
    """Every QR code on every page of the PDF, decoded (poppler renders, zxing-cpp reads)."""
    import zxingcpp

    source = folder / "sheet.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(source), str(folder / "page")], check=True)
    found = []
    for page in sorted(folder.glob("page-*.png")):
        found += [r.text for r in zxingcpp.read_barcodes(Image.open(page))]
    return found


def test_the_admin_page_makes_the_sheet_and_its_qr_codes_open_the_running_app(world, tmp_path):
    from tests.e2e.conftest import ServedApp
    from tests.support.waiting import free_port
    from web.app import create_app

    port = free_port()
    settings_module.configure(
        database_url=world.url, today=TODAY, data_dir=world.data_dir, base_url=None
    )
    urls._served.clear()
    address = urls.remember_served(host="127.0.0.1", port=port)  # what ./baobao serve does
    served = ServedApp(create_app(database_url=world.url), port).start()
    try:
        with httpx.Client(base_url=address, timeout=60) as admin:
            login(admin, world.accounts["admin_county"])
            page = admin.get("/admin/invitations")
            assert "未设置 BAOBAO_BASE_URL" in page.text and address in page.text
            made = admin.post(
                "/admin/invitations",
                data={"csrf": csrf_of(page.text), "jurisdiction": T1, "tier": "village"},
            )
            assert made.status_code == 200, made.text
            sheet_url = re.search(r'href="(/admin/invitations/sheet\?token=[^"]+)"', made.text)
            sheet = admin.get(sheet_url.group(1).replace("&amp;", "&"))
            assert sheet.headers["content-type"] == "application/pdf"
            with httpx.Client(base_url=address) as other:
                login(other, world.accounts["admin_t1"])  # an admin who did not make it
                assert other.get(sheet_url.group(1)).status_code == 404
        decoded = _decode_pdf(sheet.content, tmp_path)
        officers = _village_officers(world.url, T1)
        assert len(decoded) == len(officers) and len(set(decoded)) == len(decoded)
        assert all(link.startswith(address + "/invite/") for link in decoded)
        expires = re.search(r"(\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}) 前有效", made.text).group(1)
        days = dt.timedelta(days=load_policy().web.sheet_invite_days)
        ends = {
            clock.chinese_moment(clock.now() + days - dt.timedelta(minutes=m)) for m in (0, 1, 2)
        }
        assert expires in ends  # the page was made a moment ago
        with httpx.Client(timeout=60) as phone:  # the link as a phone opens it
            form = phone.get(decoded[0])
            assert form.status_code == 200 and 'name="repeat"' in form.text
            new = "Sheet-2026-pass"
            done = phone.post(
                decoded[0],
                data={"csrf": csrf_of(form.text), "password": new, "repeat": new},
                follow_redirects=False,
            )
            assert done.status_code in (200, 303), done.text
            again = phone.get(decoded[0])
            assert again.status_code == 403  # works once
        token = decoded[0].rpartition("/invite/")[2]
        officer_id = links.load(links.INVITE, token, max_age_seconds=10**8)["i"]
        with Session(get_engine(world.url)) as session:
            code = session.get(Officer, officer_id).code
        with httpx.Client(base_url=address) as officer:
            login(officer, code, "Sheet-2026-pass")
            assert officer.get("/my/tasks").status_code == 200
    finally:
        served.stop()


def test_users_invite_by_jurisdiction_on_the_command_line(world, cli, tmp_path):
    sheet = tmp_path / "邀请单" / "石源镇村级.pdf"
    args = ("--db", world.url, "--today", TODAY.isoformat(), "users", "invite")
    code, out, err = cli(
        *args, "--jurisdiction", T1, "--tier", "village", "--sheet", str(sheet), "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    officers = _village_officers(world.url, T1)
    assert result["invited"] == result["on_sheet"] == len(officers) and result["mailed"] == 0
    assert sheet.read_bytes().startswith(b"%PDF")
    assert len(_decode_pdf(sheet.read_bytes(), tmp_path)) == len(officers)
    code, out, err = cli(*args, "--jurisdiction", T1, "--tier", "village")
    assert code == 0 and f"另有 {len(officers)} 人邮件无法送达" in out
    for bad in (
        (),
        (world.accounts["officer_a"], "--jurisdiction", T1),
        ("x", "--tier", "village"),
        ("--jurisdiction", T1, "--tier", "乡镇"),
    ):
        code, out, err = cli(*args, *bad)
        assert code == 2 and out == "" and err.startswith("错误："), bad
    code, out, err = cli(*args, world.accounts["officer_a"], "--no-send")
    assert code == 0 and re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 前有效", out)


def test_a_long_sheet_laid_out_in_parts_has_the_same_pages(tmp_path):
    """A long sheet is laid out by worker processes in parts, then joined: page for page the
    same text (page numbers and count included) and the same QR codes as one document."""
    from reports.invitation_sheet import render_sheet

    cards = [
        {
            "name": f"干部{n}",
            "code": f"BB51010100{n:04d}",
            "place": "北岭镇 第一村",
            "link": f"https://baobao.example.gov.cn/invite/token{n}",
            "expires": "2026年10月6日 10:09",
        }
        for n in range(20)  # three pages of eight cards, the last one half full
    ]
    sheet = {"title": "北岭镇包保干部设置密码邀请单", "note": "请沿虚线剪开。", "cards": cards}
    texts, codes = [], []
    for parts in (1, 2):
        pdf = render_sheet(sheet, parts=parts)
        folder = tmp_path / f"parts{parts}"
        folder.mkdir()
        (folder / "sheet.pdf").write_bytes(pdf)
        texts.append(
            subprocess.run(
                ["pdftotext", "-layout", str(folder / "sheet.pdf"), "-"],
                capture_output=True, text=True, check=True,
            ).stdout
        )  # fmt: skip
        codes.append(sorted(_decode_pdf(pdf, folder)))
    assert texts[0] == texts[1]
    assert [f"第 {n} 页，共 3 页" in texts[1] for n in (1, 2, 3)] == [True] * 3
    assert codes[0] == codes[1] == sorted(card["link"] for card in cards)
