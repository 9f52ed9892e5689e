"""Browser end-to-end fixtures: the app served by uvicorn in a thread on a free loopback port,
and Debian's Chromium driven by Playwright (never a downloaded browser)."""

import threading
import time
from pathlib import Path

import pytest

from config import settings as settings_module
from tests.support.waiting import free_port
from tests.support.web import TODAY, build_world

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


class ServedApp:
    """uvicorn serving an app in a daemon thread until stop()."""

    def __init__(self, app, port: int):
        import uvicorn

        class Quiet(uvicorn.Server):
            def install_signal_handlers(self) -> None:  # not the main thread
                pass

        self.server = Quiet(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.base = f"http://127.0.0.1:{port}"

    def start(self) -> "ServedApp":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def served(tmp_path, sqlite_template):
    """The test world on SQLite, served on a free port (base_url points at it)."""
    import shutil

    from web.app import create_app

    path = tmp_path / "e2e.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    world = build_world(url, tmp_path / "data")
    port = free_port()
    settings_module.configure(
        database_url=url,
        today=TODAY,
        data_dir=tmp_path / "data",
        base_url=f"http://127.0.0.1:{port}",
    )
    app = ServedApp(create_app(database_url=url), port).start()
    yield world, app
    app.stop()


@pytest.fixture
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} is not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        launched.devices = playwright.devices
        yield launched
        launched.close()


@pytest.fixture
def shots():
    """shot(page, name): a full-page screenshot kept in tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def shot(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shot
