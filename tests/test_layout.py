"""The application runs from the repository root and nothing in flows/ shadows a package."""

import importlib.metadata
import sys
from pathlib import Path

import config
import models

ROOT = Path(__file__).resolve().parent.parent


def test_models_and_config_import_from_this_repository():
    assert Path(models.__file__).resolve().parent == ROOT / "models"
    assert Path(config.__file__).resolve().parent == ROOT / "config"


def _top_level_names() -> set[str]:
    names = set(sys.stdlib_module_names)
    for dist in importlib.metadata.distributions():
        top = dist.read_text("top_level.txt")
        if top:
            names.update(line.strip() for line in top.splitlines() if line.strip())
        names.add(dist.metadata["Name"].replace("-", "_").lower())
    return names


def test_no_flow_file_shadows_a_top_level_package():
    taken = _top_level_names()
    assert "prefect" in taken and "sqlmodel" in taken  # the check can see installed packages
    flow_modules = {p.stem for p in (ROOT / "flows").glob("*.py")} - {"__init__"}
    assert not flow_modules & taken
    assert all(name.endswith("_flow") for name in flow_modules)


def test_required_top_level_folders_exist():
    for folder in (
        "flows",
        "models",
        "notifications",
        "config",
        "tests",
        "services",
        "cli",
        "migrations",
        "bench",
    ):
        assert (ROOT / folder).is_dir(), folder
    assert (ROOT / "pyproject.toml").is_file()
    assert (ROOT / "uv.lock").is_file()


def test_layers_never_import_upwards():
    """models → services → flows/web/cli: lower layers import nothing from higher ones."""
    higher = {
        "models": ("services", "flows", "web", "cli", "notifications", "reports"),
        "services": ("flows", "web", "cli"),
        "config": ("services", "flows", "web", "cli"),
    }
    offenders = []
    for layer, forbidden in higher.items():
        for path in (ROOT / layer).rglob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                stripped = line.strip()
                if stripped.startswith(("import ", "from ")):
                    module = stripped.split()[1].split(".")[0]
                    if module in forbidden:
                        offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []
