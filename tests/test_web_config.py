"""The [web] policy section and BAOBAO_SECRET_KEY: several machines share one signing key."""

import pytest
from pydantic import ValidationError

from config import files
from config import settings as settings_module
from tests.support import web as support
from tests.support.web import TODAY, csrf_of, login

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures

KEY = "k" * 40


def _machine(world, data_dir, key: str | None) -> None:
    """Settings as on another machine: its own data directory, the given signing key."""
    settings_module.configure(
        database_url=world.url, today=TODAY, data_dir=data_dir, secret_key=key
    )


def test_a_shared_secret_key_lets_another_machine_accept_the_session(world, client_for, tmp_path):
    _machine(world, tmp_path / "one", KEY)
    client = client_for("officer_a")
    assert client.get("/my/tasks").status_code == 200
    _machine(world, tmp_path / "two", KEY)
    assert client.get("/my/tasks").status_code == 200
    assert not (tmp_path / "two" / "secret_key").exists()
    _machine(world, tmp_path / "two", None)  # its own key file: the cookie is not its own
    assert client.get("/my/tasks", follow_redirects=False).status_code == 303


def test_without_a_secret_key_the_key_file_of_the_data_directory_is_used(world, client_for):
    client = client_for("officer_a")
    assert (world.data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    assert client.get("/my/tasks").status_code == 200


def test_too_short_secret_key_is_refused():
    with pytest.raises(ValidationError):
        settings_module.configure(secret_key="short")


def test_web_section_sets_session_lifetime_and_upload_limit(policy_file, world, client_for):
    policy_file("session_hours = 12", "session_hours = 2")
    policy_file("max_file_mb = 50", "max_file_mb = 1")
    files._policy.cache_clear()  # the world was built with the file before the edits
    admin = client_for()
    signed_in = login(admin, world.accounts["admin_county"])
    assert "max-age=7200" in signed_in.headers["set-cookie"].lower()
    page = admin.get("/admin/roster")
    refused = admin.post(
        "/admin/roster",
        data={"csrf": csrf_of(page.text)},
        files=[("file", ("名册.xlsx", b"x" * (1024 * 1024 + 1), "application/x"))],
    )
    assert refused.status_code == 400 and "超过 1 MB 上限" in refused.text
