"""Logging for the command line: records go to DATA_DIR/logs/baobao.log, never to the terminal."""

import logging


def configure_logging() -> None:
    """Send the application's log records to a file under the data directory."""
    from config.settings import get_settings

    folder = get_settings().data_dir / "logs"
    root = logging.getLogger()
    if any(getattr(h, "_baobao", False) for h in root.handlers):
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(
            folder / "baobao.log", delay=True, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler._baobao = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
