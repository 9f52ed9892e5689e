"""Sessions that end and throttling that holds (issue 15): server-side sessions and API tokens
ended by logout, a password change or an administrator; failures counted per person whatever
alias was typed and per client address, in the database; forwarded headers believed only from
trusted proxies; one-tap links bound to the credential version, asking before switching."""

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from config import settings as settings_module
from models.db import get_engine
from models.officer import Officer
from models.sign_in import LoginFailure, SignIn
from services.accounts.identity import web_policy
from tests.support import web as support
from tests.support.web import PASSWORD, TODAY, csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures


def _login(client, login: str, password: str):
    return client.post(
        "/login",
        data={"login": login, "password": password, "csrf": csrf_of(client.get("/login").text)},
        follow_redirects=False,
    )


def _mobile(world, who: str = "a") -> str:
    with Session(get_engine(world.url)) as session:
        return session.get(Officer, world.officer_ids[who]).mobile


def _token(client, login: str) -> dict:
    issued = client.post("/api/token", data={"username": login, "password": PASSWORD})
    assert issued.status_code == 200, issued.text
    return {"Authorization": f"Bearer {issued.json()['access_token']}"}


def _change_password(client, new: str = "Another-pass-9"):
    page = client.get("/account")
    return client.post(
        "/account/password",
        data={"csrf": csrf_of(page.text), "current": PASSWORD, "password": new, "repeat": new},
        follow_redirects=False,
    )


def test_failures_count_for_the_person_whichever_alias_was_typed(world, client_for):
    code, mobile = world.accounts["officer_a"], _mobile(world)
    limit = web_policy().login_max_failures
    for n in range(limit):  # alternate 干部编号 and 手机号: one person, one counter
        assert _login(client_for(), code if n % 2 else mobile, "wrong-pass-1").status_code == 400
    for alias in (code, mobile):
        refused = _login(client_for(), alias, PASSWORD)
        assert refused.status_code == 400 and "次数过多" in refused.text, alias
    assert _login(client_for(), world.accounts["officer_b"], PASSWORD).status_code == 303
    world.set_today(TODAY + dt.timedelta(days=1))  # the lock window has passed
    assert _login(client_for(), mobile, PASSWORD).status_code == 303


def test_failures_from_one_address_lock_that_address_only(world, client_for):
    limit = web_policy().login_max_client_failures
    client = client_for()  # every TestClient call comes from the same peer address
    for n in range(limit):
        assert _login(client, f"nobody{n}", "wrong-pass-1").status_code == 400
    refused = _login(client_for(), "duban", PASSWORD)
    assert refused.status_code == 400 and "次数过多" in refused.text
    with Session(get_engine(world.url)) as session:
        counted = session.execute(
            select(func.count()).where(LoginFailure.key == "client:testclient")
        ).scalar_one()
    assert counted == limit


def test_forwarded_addresses_are_believed_from_trusted_proxies_only(world):
    from web.app import create_app

    settings_module.configure(trusted_proxies=["127.0.0.1"])
    made = create_app(database_url=world.url)

    def fail_from(peer: str, forwarded: str) -> None:
        with TestClient(made, client=(peer, 40000)) as client:
            page = client.get("/login")
            client.post(
                "/login",
                data={"login": "nobody", "password": "x", "csrf": csrf_of(page.text)},
                headers={"X-Forwarded-For": forwarded},
            )

    fail_from("127.0.0.1", "203.0.113.9")  # the proxy names the client
    fail_from("127.0.0.2", "198.51.100.7")  # any other caller cannot choose its address
    with Session(get_engine(world.url)) as session:
        keys = set(session.execute(select(LoginFailure.key)).scalars())
    assert keys == {"login:nobody", "client:203.0.113.9", "client:127.0.0.2"}


def test_a_password_change_ends_every_session_and_token_of_the_account(world, client_for):
    first, second = client_for("supervisor_county"), client_for("supervisor_county")
    bearer = _token(client_for(), "duban")
    assert client_for().get("/api/me", headers=bearer).status_code == 200
    assert _change_password(first).status_code == 303
    assert second.get("/office", follow_redirects=False).status_code == 303
    assert client_for().get("/api/me", headers=bearer).status_code == 401
    with Session(get_engine(world.url)) as session:
        running = session.execute(
            select(func.count()).where(SignIn.ended_at.is_(None), SignIn.account_id > 0)
        ).scalar_one()
        ended = session.execute(
            select(func.count()).where(SignIn.ended_by.like("%设置密码"))
        ).scalar_one()
    assert ended == 3 and running == 0


def test_an_admin_ends_one_token_or_all_of_a_persons_sign_ins(world, client_for):
    browser = client_for("supervisor_t1")
    account = world.accounts["supervisor_t1"]
    kept, revoked = _token(client_for(), account), _token(client_for(), account)
    admin = client_for("admin_county")
    page = admin.get(f"/admin/sessions?account={account}")
    assert page.status_code == 200 and page.text.count("接口令牌") >= 2 and "网页登录" in page.text
    with Session(get_engine(world.url)) as session:
        newest = (
            session.execute(
                select(SignIn.id).where(SignIn.kind == "api").order_by(SignIn.created_at.desc())
            )
            .scalars()
            .first()
        )
    ended = admin.post(
        "/admin/sessions/end",
        data={"csrf": csrf_of(page.text), "account": account, "session_id": newest},
        follow_redirects=False,
    )
    assert ended.status_code == 303
    statuses = {
        name: client_for().get("/api/me", headers=h).status_code
        for name, h in (("kept", kept), ("revoked", revoked))
    }
    assert statuses == {"kept": 200, "revoked": 401}
    assert browser.get("/office").status_code == 200
    township_admin = client_for("admin_t1")  # another jurisdiction's person: refused
    outside = township_admin.post(
        "/admin/sessions/end",
        data={"csrf": csrf_of(township_admin.get("/account").text), "account": "db_t2"},
    )
    assert outside.status_code == 400 and "不存在" in outside.text
    admin.post("/admin/sessions/end", data={"csrf": csrf_of(page.text), "account": account})
    assert client_for().get("/api/me", headers=kept).status_code == 401
    assert browser.get("/office", follow_redirects=False).status_code == 303


def test_ending_a_person_ends_every_linked_account(world, client_for, cli):
    from models.user import User

    mobile = _mobile(world)
    with Session(get_engine(world.url)) as session:
        user = session.execute(
            select(User).where(User.account == world.accounts["supervisor_t1"])
        ).scalar_one()
        user.mobile = mobile  # the officer is also this township's supervisor: one person
        session.commit()
    officer, supervisor = client_for("officer_a"), client_for("supervisor_t1")
    code, out, _ = cli("--db", world.url, "--today", str(TODAY), "users", "sessions", mobile)
    assert code == 0 and out.count("网页登录") == 2
    code, out, _ = cli(
        "--db",
        world.url,
        "--today",
        str(TODAY),
        "users",
        "signout",
        world.accounts["officer_a"],
        "--json",
    )
    assert code == 0 and '"ended": 2' in out
    for client, home in ((officer, "/my/tasks"), (supervisor, "/office")):
        assert client.get(home, follow_redirects=False).status_code == 303, home
    code, _, err = cli("--db", world.url, "--today", str(TODAY), "users", "signout", "nobody")
    assert code == 2 and "不存在" in err


def test_a_one_tap_link_is_void_after_a_password_change(world, client_for):
    link = support.one_tap_link(world, "task", world.tasks["a_open"])
    assert client_for().get(link).status_code == 200
    assert client_for().get(link).status_code == 200  # not single-use: previews open it too
    assert _change_password(client_for("officer_a")).status_code == 303
    refused = client_for().get(link)
    assert refused.status_code == 403 and "密码已修改" in refused.text


def test_a_link_opened_where_someone_else_is_signed_in_asks_first(world, client_for):
    task_id = world.tasks["a_open"]
    link = support.one_tap_link(world, "task", task_id)
    browser = client_for("supervisor_t2")
    asked = browser.get(link, follow_redirects=False)
    assert asked.status_code == 200 and "此浏览器已有人登录" in asked.text
    assert browser.get("/office").status_code == 200  # still the supervisor: nothing replaced
    switched = browser.post(
        f"/links/task/{task_id}",
        data={"csrf": csrf_of(asked.text), "k": link.split("?k=")[1]},
        follow_redirects=False,
    )
    assert switched.status_code == 303 and switched.headers["location"] == f"/tasks/{task_id}"
    assert browser.get(f"/tasks/{task_id}").status_code == 200
    assert browser.get("/office", follow_redirects=False).status_code == 303
    own = client_for("officer_a")  # the officer's own full session: just the page, no switch
    opened = own.get(link, follow_redirects=False)
    assert opened.status_code == 303 and own.get("/my/tasks").status_code == 200


def test_signing_in_again_ends_the_session_it_replaces(world, client_for):
    browser = client_for("supervisor_county")
    before = browser.cookies["baobao_session"]
    assert _login(browser, "admin", PASSWORD).status_code == 303
    replay = client_for()
    replay.cookies.set("baobao_session", before)
    assert replay.get("/office", follow_redirects=False).status_code == 303
    assert browser.get("/admin/users").status_code == 200  # now the administrator
