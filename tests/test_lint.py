"""The checks `make lint` runs are the pre-commit hooks, which work offline; mypy's SQLModel
plugin types a table's columns as SQLAlchemy attributes, so a misuse of one is an error."""

import os
import re
import shlex
import subprocess
from pathlib import Path

import yaml
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent


def _lint_recipe() -> list[list[str]]:
    """The commands of the Makefile's lint target, with $(VENV) spelled out."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    venv = re.search(r"^VENV := (\S+)$", text, re.M)
    assert venv
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", text, re.M)
    assert recipe
    return [
        shlex.split(line.strip().replace("$(VENV)", venv.group(1)))
        for line in recipe.group(1).splitlines()
    ]


def _hooks() -> list[dict[str, object]]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_the_hooks_are_the_lint_target():
    hooks = _hooks()
    assert [shlex.split(str(hook["entry"])) for hook in hooks] == _lint_recipe()
    for hook in hooks:
        assert hook["language"] == "system", hook
        assert hook["pass_filenames"] is False, hook


def test_the_hooks_are_local_and_run_without_network(tmp_path):
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    # A proxy that refuses every connection: anything fetched would fail the run.
    offline = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "store"),
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "GIT_CONFIG_GLOBAL": "/dev/null",
    }
    pre_commit = [str(ROOT / ".venv/bin/pre-commit")]
    checked = subprocess.run(
        [*pre_commit, "validate-config", ".pre-commit-config.yaml"],
        cwd=ROOT,
        env=offline,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    run = subprocess.run(
        [*pre_commit, "run", "ruff-check", "--all-files"],
        cwd=ROOT,
        env=offline,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ruff check" in run.stdout and "Passed" in run.stdout


def _mypy(tmp_path: Path, source: str) -> tuple[str, int]:
    """mypy with the project's settings on one module; its report and exit status."""
    module = tmp_path / "columns_probe.py"
    module.write_text(source, encoding="utf-8")
    out, err, status = mypy_api.run(["--config-file", str(ROOT / "pyproject.toml"), str(module)])
    return out + err, status


def test_the_plugin_types_columns_on_the_class_only(tmp_path):
    out, status = _mypy(
        tmp_path,
        "from sqlmodel import select\n"
        "from models.task import InspectionTask\n"
        "reveal_type(InspectionTask.status)\n"
        "def status_of(task: InspectionTask) -> None:\n"
        "    reveal_type(task.status)\n"
        "query = select(InspectionTask.id).where(InspectionTask.status.in_(['a']))\n"
        "reveal_type(query)\n",
    )
    assert "error:" not in out, out
    assert 'Revealed type is "sqlalchemy.orm.attributes.InstrumentedAttribute[str]"' in out, out
    assert 'Revealed type is "str"' in out, out
    assert "SelectOfScalar[int | None]" in out, out


def test_a_column_read_as_the_wrong_type_is_an_error(tmp_path):
    out, status = _mypy(
        tmp_path,
        "from sqlmodel import Session, select\n"
        "from models.task import InspectionTask\n"
        "def periods(session: Session) -> list[int]:\n"
        "    return list(session.exec(select(InspectionTask.period)).all())\n"
        "wide = select(InspectionTask.id, InspectionTask.status, InspectionTask.period,\n"
        "              InspectionTask.due_date, InspectionTask.officer_id)\n",
    )
    assert status == 1, out
    assert out.count("error:") == 1, out
    assert 'incompatible type "Sequence[str]"; expected "Iterable[int]"' in out, out
