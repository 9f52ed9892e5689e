"""The application runs from the repository root, nothing in flows/ shadows a package, the
import graph of the application's packages is layered, acyclic and uses no private names, and
flows/ and web/ hold no SQL.

The graph is built from the source (ast), from every import statement of a module, those inside
functions included: a cycle through a deferred import is still a cycle between the two modules.
An import names the module it reads (``from a.b import c`` is a.b.c when that is a module, else
a.b); a package's __init__ importing its own modules is the only way a package depends on them.
"""

import ast
import importlib.metadata
import subprocess
import sys
from pathlib import Path
from typing import get_args

import config
import models
from config import policy_model
from models import enums

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


# Lowest first; a module may import its own layer and those below, never one above.
LAYERS = (
    ("config",),
    ("models",),
    ("services.core",),
    ("notifications", "reports"),
    ("services",),
    ("flows", "web"),
    ("cli",),
)
PACKAGES = tuple(sorted({p.split(".")[0] for layer in LAYERS for p in layer}))


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


SOURCES = _sources()


def _imports(name: str, tree: ast.Module) -> list[tuple[str, str | None, int]]:
    """(module imported from, name imported or None, line) of every project import in a module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against this module's package
                package = (
                    name.split(".")
                    if SOURCES[name][0].name == "__init__.py"
                    else name.split(".")[:-1]
                )
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            found += [(base, alias.name, node.lineno) for alias in node.names]
    return [item for item in found if item[0].split(".")[0] in PACKAGES]


def _target(base: str, name: str | None) -> str:
    """The project module an import reads."""
    if name is not None and f"{base}.{name}" in SOURCES:
        return f"{base}.{name}"
    return base


GRAPH = {
    name: {_target(base, imported) for base, imported, _ in _imports(name, tree)} - {name}
    for name, (_, tree) in SOURCES.items()
}


def _layer(module: str) -> int:
    matches = [
        (len(prefix), rank)
        for rank, layer in enumerate(LAYERS)
        for prefix in layer
        if module == prefix or module.startswith(prefix + ".")
    ]
    return max(matches)[1]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_sees_every_package():
    assert {name.split(".")[0] for name in SOURCES} == set(PACKAGES)
    assert "services.reminders.outbox_states" in GRAPH["services.reminders.delivery"]
    assert "notifications.attachments" in GRAPH["notifications.senders"]
    assert "reports.render_html" in GRAPH["services.reporting.briefing.mail"]  # in a function
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_between_modules():
    assert _cycles(GRAPH) == []


def _unit(module: str) -> str:
    """The package a module belongs to for the package graph: services' domain packages apart."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "services" and len(parts) > 1 else parts[0]


def test_no_import_cycles_between_packages():
    """Domain packages of services/ (and the top-level packages) depend on each other one way."""
    units: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        units.setdefault(_unit(module), set()).update(_unit(t) for t in targets)
    assert _cycles({unit: targets - {unit} for unit, targets in units.items()}) == []


def test_layers_never_import_upwards():
    """config → models → services.core → notifications, reports → services → flows, web → cli."""
    offenders = [
        f"{SOURCES[module][0].relative_to(ROOT)}: {module} imports {target}"
        for module, targets in GRAPH.items()
        for target in sorted(targets)
        if _layer(target) > _layer(module)
    ]
    assert offenders == []


def test_no_sql_in_flows_or_web():
    """flows/ and web/ hold sessions, never queries: no SQLAlchemy beyond sqlmodel's Session,
    no tables (models.db and models.enums only)."""
    offenders = []
    for module, (path, tree) in SOURCES.items():
        if module.split(".")[0] not in ("flows", "web"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {alias.name for alias in node.names}
                root = node.module.split(".")[0]
                sql = root == "sqlalchemy" or (root == "sqlmodel" and names != {"Session"})
                table = root == "models" and node.module not in ("models.db", "models.enums")
            elif isinstance(node, ast.Import):
                sql = any(a.name.split(".")[0] in ("sqlalchemy", "sqlmodel") for a in node.names)
                table = any(a.name.split(".")[0] == "models" for a in node.names)
            else:
                continue
            if sql or table:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def _private_uses(module: str, tree: ast.Module) -> list[str]:
    """Private names (_x, not __x__) this module takes from another project module."""
    found, bound = [], set()
    for base, imported, line in _imports(module, tree):
        names = [*base.split("."), *([imported] if imported else [])]
        if any(_private(n) for n in names):
            found.append(f"line {line}: from {base} import {imported}")
        bound.add(imported if imported else base.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in bound:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_names_imported_across_modules():
    sample = ast.parse("from services.core import _x, clock\nimport models.db\nmodels.db._y")
    assert len(_private_uses("services.sample", sample)) == 2  # the check sees both spellings
    offenders = [
        f"{SOURCES[module][0].relative_to(ROOT)} {use}"
        for module, (_, tree) in SOURCES.items()
        for use in _private_uses(module, tree)
    ]
    assert offenders == []


def test_config_codes_agree_with_the_enums():
    """config spells the codes it validates itself (it imports nothing from the project)."""
    pairs = (
        (policy_model.Tier, enums.OfficerTier),
        (policy_model.Grade, enums.Grade),
        (policy_model.Level, enums.HazardLevel),
        (policy_model.Role, enums.UserRole),
        (policy_model.Category, enums.Category),
    )
    for literal, enum in pairs:
        assert list(get_args(literal)) == [member.value for member in enum], enum.__name__
    summary = policy_model.ReminderPolicy.model_fields["summary_level"].annotation
    assert set(get_args(summary)) <= {member.value for member in enums.JurisdictionLevel}


def test_one_dialect_check():
    """Whether a database is PostgreSQL is asked in one place: models.db.is_postgres."""
    spelled = [
        module
        for module, (path, _) in SOURCES.items()
        if "dialect.name" in path.read_text(encoding="utf-8")
    ]
    assert spelled == ["models.db"]


def _defined(tree: ast.Module) -> set[str]:
    """The names a module defines at its top level (assignments and classes)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else []
        targets += [node.target] if isinstance(node, ast.AnnAssign) else []
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def test_no_module_shadows_an_enum():
    """Codes have one definition: no module defines a name of models.enums for itself (config
    spells its own, kept equal by test_config_codes_agree_with_the_enums)."""
    names = {name for name, value in vars(enums).items() if isinstance(value, type)}
    shadows = [
        f"{module}: {name}"
        for module, (_, tree) in SOURCES.items()
        if module != "models.enums" and not module.startswith("config.")
        for name in sorted(_defined(tree) & names)
    ]
    assert {"TaskStatus", "HazardStatus"} <= names and shadows == []


def test_test_support_lives_in_tests_support():
    """Beside the test modules only conftest and packages; helpers are in tests/support (not
    collected), and the roster, hazard and reminder helpers need no mail server to import."""
    loose = [
        p.name
        for p in (ROOT / "tests").glob("*.py")
        if not p.name.startswith("test_") and p.name not in ("conftest.py", "__init__.py")
    ]
    assert loose == []
    assert not list((ROOT / "tests" / "support").glob("test_*.py"))
    probe = (
        "import sys, tests.support.reminders, tests.support.hazards, tests.support.briefing; "
        "sys.exit('aiosmtpd' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", probe], cwd=ROOT).returncode == 0
