"""Logging: records go to DATA_DIR/logs/<name>.log, never to the terminal — baobao.log for
commands, web.log for `serve`, scheduler.log for `scheduler` (one file per long-running process,
so that each rotates its own). Files rotate at `[logs] max_mb`, keeping `[logs] keep` old ones."""

import logging
import logging.handlers
from io import TextIOWrapper
from pathlib import Path

_current = {"name": "baobao"}


class _RotatingFile(logging.handlers.RotatingFileHandler):
    """A rotating log file whose folder is made again when someone removed it."""

    def _open(self) -> TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


def configure_logging(name: str | None = None) -> None:
    """Send the application's log records to DATA_DIR/logs/<name>.log (default: as before)."""
    from config.files import load_policy
    from config.settings import get_settings

    name = name or _current["name"]
    root = logging.getLogger()
    # Our handlers carry the log's name in _baobao, a mark the stdlib's Handler does not declare.
    for old in [h for h in root.handlers if getattr(h, "_baobao", None)]:
        if old._baobao == name:  # type: ignore[attr-defined]
            return
        root.removeHandler(old)
        old.close()
    _current["name"] = name
    folder = get_settings().data_dir / "logs"
    policy = load_policy().logs
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = _RotatingFile(
            folder / f"{name}.log",
            maxBytes=policy.max_mb * 1024 * 1024,
            backupCount=policy.keep,
            delay=True,
            encoding="utf-8",
        )
    except OSError:
        handler = logging.NullHandler()
    handler._baobao = name  # type: ignore[attr-defined]  # our mark, see above
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
