"""Accounts and sessions: login (干部编号, mobile, 账号), throttling, cookies, CSRF, one-tap
links and invitations — refused when expired, tampered with or used twice."""

import datetime as dt

import typer
from sqlalchemy import select
from sqlmodel import Session
from typer.testing import CliRunner

from models.db import get_engine
from models.notification import Notification
from models.officer import Officer
from models.record import InspectionRecord
from models.user import User
from services.accounts import identity as accounts
from services.accounts import invitations
from services.core import links
from tests.support import web as support
from tests.support.web import PASSWORD, TODAY, csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures


def _login(client, account: str, password: str, token: str | None = None):
    token = token if token is not None else csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"login": account, "password": password, "csrf": token},
        follow_redirects=False,
    )


def test_officers_log_in_by_code_or_mobile_and_users_by_account(world, client_for):
    with Session(get_engine(world.url)) as session:
        mobile = session.get(Officer, world.officer_ids["a"]).mobile
    for account, home in (
        (world.accounts["officer_a"], "/my/tasks"),
        (mobile, "/my/tasks"),
        ("duban", "/office"),
    ):
        response = _login(client_for(), account, PASSWORD)
        assert response.status_code == 303 and response.headers["location"] == home, account


def test_wrong_password_is_one_message_and_unknown_accounts_look_the_same(world, client_for):
    wrong = _login(client_for(), "duban", "nope-nope")
    unknown = _login(client_for(), "nobody", "nope-nope")
    assert wrong.status_code == unknown.status_code == 400
    assert "账号或密码错误" in wrong.text and "账号或密码错误" in unknown.text


def test_failed_logins_are_throttled_per_account(world, client_for):
    client = client_for()
    for _ in range(accounts.web_policy().login_max_failures):
        assert _login(client, "duban", "wrong-password").status_code == 400
    refused = _login(client, "duban", PASSWORD)
    assert refused.status_code == 400 and "次数过多" in refused.text
    assert _login(client, "admin", PASSWORD).status_code == 303
    world.set_today(TODAY + dt.timedelta(days=1))  # the lock window has passed
    assert _login(client, "duban", PASSWORD).status_code == 303


def _proxied_login(app, peer: str):
    from fastapi.testclient import TestClient

    with TestClient(app, client=(peer, 50000)) as client:
        token = csrf_of(client.get("/login").text)
        return client.post(
            "/login",
            data={"login": "duban", "password": PASSWORD, "csrf": token},
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
            follow_redirects=False,
        )


def test_session_cookie_is_httponly_lax_and_secure_behind_a_trusted_proxy(world, client_for):
    from config import settings as settings_module
    from web.app import create_app

    plain = _login(client_for(), "duban", PASSWORD).headers["set-cookie"].lower()
    assert "httponly" in plain and "samesite=lax" in plain and "secure" not in plain
    settings_module.configure(trusted_proxies=["127.0.0.1"])
    app = create_app(database_url=world.url)
    assert "secure" in _proxied_login(app, "127.0.0.1").headers["set-cookie"].lower()
    # a caller that is not a trusted proxy cannot claim https (nor another address)
    assert "secure" not in _proxied_login(app, "127.0.0.2").headers["set-cookie"].lower()


def test_tampered_session_cookie_is_anonymous(world, client_for):
    client = client_for("supervisor_county")
    cookie = client.cookies.get("baobao_session")
    client.cookies.set("baobao_session", cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"))
    assert client.get("/office", follow_redirects=False).status_code == 303


def test_cookies_and_api_tokens_name_a_running_server_side_session(world, client_for):
    """Signed with the right key, a cookie or token still needs a session the server holds,
    of its own kind: a made-up id, an API token's session in a cookie or a browser session as
    a token, or a session of the other table, are refused; the real one is accepted."""
    client = client_for()
    issued = client.post("/api/token", data={"username": "duban", "password": PASSWORD})
    claims = links.load(links.API, issued.json()["access_token"], max_age_seconds=60)
    assert set(claims) == {"s", "a"}
    browser_claims = links.load(
        links.SESSION, client_for("supervisor_county").cookies["baobao_session"], max_age_seconds=60
    )
    cases = [
        (claims, True, False),
        (browser_claims, False, True),
        ({**claims, "s": "0" * 32}, False, False),
        ({**claims, "a": "officer"}, False, False),
        ({"k": "supervisor", "i": 1, "pv": "x"}, False, False),
    ]
    for payload, as_token, as_cookie in cases:
        bearer = {"Authorization": f"Bearer {links.sign(links.API, payload)}"}
        assert (client.get("/api/me", headers=bearer).status_code == 200) is as_token, payload
        browser = client_for()
        browser.cookies.set("baobao_session", links.sign(links.SESSION, payload))
        page = browser.get("/office", follow_redirects=False)
        assert (page.status_code == 200) is as_cookie, payload


def test_forms_without_the_session_csrf_token_are_refused(world, client_for):
    assert _login(client_for(), "duban", PASSWORD, token="").status_code == 403
    other = csrf_of(client_for().get("/login").text)
    assert _login(client_for(), "duban", PASSWORD, token=other).status_code == 403
    client = client_for("officer_a")
    task_id = world.tasks["a_open"]
    response = client.post(
        f"/tasks/{task_id}/record",
        data={"csrf": "forged", "mode": "现场", "answer_daily_control": "是"},
    )
    assert response.status_code == 403
    with Session(get_engine(world.url)) as session:
        assert (
            session.execute(
                select(InspectionRecord).where(InspectionRecord.task_id == task_id)
            ).first()
            is None
        )
    assert client.post("/logout", data={}).status_code == 403


def test_logout_ends_the_session_on_the_server(world, client_for):
    client = client_for("supervisor_county")
    saved = client.cookies["baobao_session"]
    token = csrf_of(client.get("/office").text)
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/office", follow_redirects=False).status_code == 303
    replay = client_for()  # the cookie saved before logging out opens nothing any more
    replay.cookies.set("baobao_session", saved)
    assert replay.get("/office", follow_redirects=False).status_code == 303
    other = client_for("supervisor_county")  # another session of the same person goes on
    assert other.get("/office").status_code == 200


def test_one_tap_link_opens_the_task_and_expired_or_tampered_links_are_refused(world, client_for):
    task_id = world.tasks["a_open"]
    path = support.one_tap_link(world, "task", task_id)[1:]
    client = client_for()
    opened = client.get("/" + path)
    assert opened.status_code == 200 and "记录督导" in opened.text
    token = path.split("?k=", 1)[1]
    tampered = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    assert client_for().get(f"/tasks/{task_id}?k={tampered}").status_code == 403
    other_task = world.tasks["a_overdue"]
    refused = client_for().get(f"/tasks/{other_task}?k={token}")
    assert refused.status_code == 403 and "不符" in refused.text
    assert client_for().get(f"/hazards/{task_id}?k={token}").status_code == 403
    world.set_today(TODAY + dt.timedelta(days=accounts.web_policy().link_valid_days + 1))
    expired = client_for().get(f"/tasks/{task_id}?k={token}")
    assert expired.status_code == 403 and "过期" in expired.text


def test_link_of_another_purpose_is_refused(world, client_for):
    with Session(get_engine(world.url)) as session:
        officer = session.get(Officer, world.officer_ids["a"])
        invite_link, _ = invitations.invitation_link(kind="officer", person=officer)
    token = invite_link.rsplit("/", 1)[1]
    assert client_for().get(f"/tasks/{world.tasks['a_open']}?k={token}").status_code == 403


def test_invitation_sets_a_password_once(world, client_for):
    with Session(get_engine(world.url)) as session:
        result = invitations.invite(
            session=session, account=world.accounts["officer_b"], actor="test"
        )
        session.commit()
    path = "/" + result["link"].split("://", 1)[1].split("/", 1)[1]
    client = client_for()
    page = client.get(path)
    assert page.status_code == 200 and "设置登录密码" in page.text
    weak = client.post(
        path, data={"csrf": csrf_of(page.text), "password": "12345678", "repeat": "12345678"}
    )
    assert weak.status_code == 400 and "纯数字" in weak.text
    done = client.post(
        path,
        data={"csrf": csrf_of(page.text), "password": "New-pass-1", "repeat": "New-pass-1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert _login(client_for(), world.accounts["officer_b"], "New-pass-1").status_code == 303
    assert client_for().get(path).status_code == 403  # used: the password changed


def test_invitation_expires(world, client_for):
    with Session(get_engine(world.url)) as session:
        result = invitations.invite(session=session, account="db_t2", actor="test")
        session.commit()
    world.set_today(TODAY + dt.timedelta(hours=accounts.web_policy().invite_valid_hours + 24))
    path = "/" + result["link"].split("://", 1)[1].split("/", 1)[1]
    response = client_for().get(path)
    assert response.status_code == 403 and "过期" in response.text


def test_invitation_is_mailed_through_the_outbox_when_a_channel_exists(world):
    from config import settings as settings_module

    settings_module.configure(
        database_url=world.url,
        today=TODAY,
        data_dir=world.data_dir,
        smtp_host="127.0.0.1",
        smtp_port=1,
    )
    with Session(get_engine(world.url)) as session:
        result = invitations.invite(session=session, account="db_t2", actor="test")
        session.commit()
        row = session.execute(select(Notification)).scalar_one()
    assert result["queued"] == 1 and row.address.endswith("<dbt2@example.cn>")
    assert result["link"] in row.body_text and row.status == "queued"


def test_changing_the_password_ends_other_sessions(world, client_for):
    first, second = client_for("supervisor_county"), client_for("supervisor_county")
    page = first.get("/account")
    changed = first.post(
        "/account/password",
        data={
            "csrf": csrf_of(page.text),
            "current": PASSWORD,
            "password": "Another-pass-9",
            "repeat": "Another-pass-9",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert second.get("/office", follow_redirects=False).status_code == 303


def test_deactivated_account_loses_its_session(world, client_for):
    client = client_for("supervisor_t1")
    with Session(get_engine(world.url)) as session:
        user = session.execute(
            select(User).where(User.account == world.accounts["supervisor_t1"])
        ).scalar_one()
        user.active = False
        session.commit()
    assert client.get("/office", follow_redirects=False).status_code == 303
    assert _login(client_for(), world.accounts["supervisor_t1"], PASSWORD).status_code == 400


def test_users_invite_command_prints_a_one_time_link(world):
    from cli import web_commands

    root = typer.Typer()
    web_commands.register(root)
    result = CliRunner().invoke(root, ["users", "invite", "db_t2", "--json"])
    assert result.exit_code == 0, result.output
    assert '"link": "http://127.0.0.1:8000/invite/' in result.output
    missing = CliRunner().invoke(root, ["users", "invite", "nobody"])
    assert missing.exit_code != 0


def test_demo_accounts_only_on_the_demo_roster(world):
    with Session(get_engine(world.url)) as session:
        for user in session.execute(select(User)).scalars():
            user.password_hash = None
        session.flush()
        shown = invitations.demo_accounts(session=session)
        assert {a["account"] for a in shown} >= {"admin", "duban"}
        assert accounts.verify_password(
            session.execute(select(User).where(User.account == "admin")).scalar_one().password_hash,
            invitations.DEMO_PASSWORD,
        )
        session.execute(select(User)).scalars().first().email = "real@county.gov.cn"
        session.flush()
        assert invitations.demo_accounts(session=session) == []
