"""The docs stay honest: the configuration reference is generated, the command tables match the
CLI both ways, every relative link resolves, the functions the architecture names exist, and
nothing refers to a document outside the repository."""

import ast
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

from cli.app import app
from config import reference
from config.files import Checklist, Schedules
from config.policy_model import Policy
from config.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SKIPPED_DIRS = {
    ".git",
    ".venv",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    "__pycache__",
    "node_modules",
    "artifacts",
    "data",
}
TEMPLATE_DIRS = ("notifications/templates", "reports/templates", "web/templates")


def _files(*suffixes: str) -> list[Path]:
    """The repository's files with these suffixes, outside virtualenvs, caches and data."""
    found = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        found += [Path(folder) / n for n in names if Path(n).suffix in suffixes]
    return sorted(found)


def _doc_files() -> list[Path]:
    """Markdown written for readers (message templates that happen to be .md are not)."""
    return [p for p in _files(".md") if not str(p.relative_to(ROOT)).startswith(TEMPLATE_DIRS)]


# ---- the configuration reference -------------------------------------------------------------


def test_configuration_reference_is_current():
    written = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert written == reference.reference(), (
        "docs/configuration.md is out of date: run " + reference.COMMAND
    )


def _keys(model, prefix: str = "") -> list[str]:
    return [f"{prefix}{name}" for name in model.model_fields]


def test_every_setting_and_policy_key_is_documented():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    expected = [f"`BAOBAO_{name.upper()}`" for name in Settings.model_fields]
    for section, field in Policy.model_fields.items():
        expected += [f"`{key}`" for key in _keys(field.annotation, f"{section}.")]
        assert f"### `[{section}]`" in text
    item = Checklist.model_fields["items"].annotation.__args__[0]
    job = Schedules.model_fields["jobs"].annotation.__args__[0]
    expected += [f"`{key}`" for key in _keys(item) + _keys(job)]
    assert [key for key in expected if key not in text] == []
    assert len(expected) > 60  # the walk saw every section


def test_a_field_without_a_description_is_refused():
    from config.strict import Strict

    class Undocumented(Strict):
        documented: int = 1
        """Has its words."""
        bare: int = 2

    with pytest.raises(ValueError, match="Undocumented.bare has no description"):
        reference._rows(Undocumented, str)


# ---- the command line ------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    options: frozenset[str]  # long names, e.g. --period
    flags: frozenset[str]  # options that take no value
    required: frozenset[str]  # required options and arguments
    arguments: frozenset[str]  # upper-case names, e.g. TASK_ID


def _command(click_command) -> Command:
    options, flags, required, arguments = set(), set(), set(), set()
    for param in click_command.params:
        if param.param_type_name == "argument":
            name = param.name.upper()
            arguments.add(name)
        else:
            name = next(o for o in param.opts if o.startswith("--"))
            options.add(name)
            if param.is_flag:
                flags.add(name)
        if param.required:
            required.add(name)
    return Command(*(frozenset(s) for s in (options, flags, required, arguments)))


def _registered() -> dict[str, Command]:
    """Every command the CLI registers, by its words (e.g. "tasks list")."""
    found = {}

    def walk(group, words):
        for name, sub in group.commands.items():
            if hasattr(sub, "commands"):
                walk(sub, [*words, name])
            else:
                found[" ".join([*words, name])] = _command(sub)

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = _registered()
TOKEN = re.compile(r"--[a-z][a-z-]*|[A-Z][A-Z_]*|[\[\]()]|[^\s\[\]()]+")


@dataclass
class Usage:
    options: dict[str, bool]  # option → written inside [ ] or ( )
    arguments: dict[str, bool]  # argument → written inside [ ]


def _usage(text: str, known: Command | None) -> Usage:
    """The options and arguments a usage text names (known: the command, to skip values)."""
    usage, depth, takes_value = Usage({}, {}), 0, False
    for token in TOKEN.findall(text.replace("\\|", "|")):
        if token in "[(":
            depth += 1
        elif token in "])":
            depth -= 1
        elif token.startswith("--"):
            usage.options[token] = depth > 0
            takes_value = known is not None and token in known.options - known.flags
        elif takes_value:
            takes_value = False  # the option's value, e.g. CODE or 现场|线上|集中
        elif re.fullmatch(r"[A-Z][A-Z_]*", token):
            usage.arguments[token] = depth > 0
    return usage


def _cli_sections() -> dict[str, str]:
    """docs/cli.md: each command's heading → its usage line."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    sections = {}
    for match in re.finditer(r"^### `([a-z ]+)`\n(.*?)(?=^#{2,3} |\Z)", text, re.M | re.S):
        usage = re.search(r"^\./baobao (.+)$", match.group(2), re.M)
        assert usage, f"docs/cli.md: no usage line under {match.group(1)}"
        sections[match.group(1)] = usage.group(1)
    return sections


def test_cli_md_lists_exactly_the_registered_commands():
    assert sorted(_cli_sections()) == sorted(COMMANDS)


@pytest.mark.parametrize("words", sorted(COMMANDS))
def test_cli_md_usage_matches_the_command(words):
    line = _cli_sections()[words]
    assert line == words or line.startswith(words + " ")
    command = COMMANDS[words]
    usage = _usage(line.removeprefix(words), command)
    assert set(usage.options) == command.options
    assert set(usage.arguments) == command.arguments
    for name, optional in (usage.options | usage.arguments).items():
        assert optional == (name not in command.required), f"{words}: {name} brackets"


def test_cli_md_names_the_global_options():
    root = _command(typer.main.get_command(app))
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    first = re.search(r"^\./baobao (.+)$", text, re.M).group(1)
    assert set(_usage(first, root).options) == root.options == {"--db", "--today"}


def _readme_rows() -> list[str]:
    """The first cell of every row of the README's command table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [re.split(r"(?<!\\)\|", row)[1].strip() for row in rows]


def _readme_commands() -> list[tuple[str, str]]:
    found = []
    for cell in _readme_rows():
        for span in re.findall(r"`([^`]+)`", cell):
            known = [c for c in COMMANDS if (span + " ").startswith(c + " ")]
            words = max(known, key=len, default=span)  # an unknown command stays as written
            found.append((words, span.removeprefix(words)))
    return found


def test_readme_command_table_lists_exactly_the_registered_commands():
    listed = [words for words, _ in _readme_commands()]
    assert len(listed) == len(set(listed)), "a command is listed twice"
    assert sorted(listed) == sorted(COMMANDS)


def test_readme_command_table_names_only_real_options_and_arguments():
    for words, rest in _readme_commands():
        command = COMMANDS.get(words)
        if command is None:
            continue  # reported by the test above
        usage = _usage(rest, command)
        assert set(usage.options) <= command.options, words
        assert set(usage.arguments) <= command.arguments, words
        assert command.required <= set(usage.options) | set(usage.arguments), words


# ---- links and references --------------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _prose(text: str) -> str:
    """Markdown without fenced code blocks and inline code."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def _slugs(path: Path) -> set[str]:
    """GitHub's anchors of a Markdown file's headings."""
    slugs, seen = set(), {}
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.M):
        plain = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
        slug = re.sub(r"[^\w\- ]", "", plain).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        slugs.add(slug if n == 0 else f"{slug}-{n}")
    return slugs


def _broken_links(path: Path) -> list[str]:
    broken = []
    for target in LINK.findall(_prose(path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.relative_to(ROOT)}: {target}"
        if not resolved.is_relative_to(ROOT):
            broken.append(f"{where} (outside the repository)")
        elif not resolved.exists():
            broken.append(f"{where} (no such file)")
        elif anchor and (resolved.suffix != ".md" or anchor not in _slugs(resolved)):
            broken.append(f"{where} (no such heading)")
    return broken


def test_every_relative_link_in_the_docs_resolves():
    files = _doc_files()
    assert ROOT / "README.md" in files and DOCS / "domain.md" in files
    assert [broken for path in files for broken in _broken_links(path)] == []


def test_docs_exist_and_the_readme_links_each():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("domain", "architecture", "operations", "configuration", "cli", "development"):
        assert (DOCS / f"{page}.md").is_file()
        assert f"](docs/{page}.md)" in readme


# Built from parts so that this file does not match itself.
OUTSIDE = [
    "DESIGN" + " §",
    "DESIGN" + " rule",
    "DESIGN" + ".md",
    "../" + "shared",
    "/work" + "/",
]


def test_nothing_refers_to_a_document_outside_the_repository():
    suffixes = (".py", ".md", ".toml", ".html", ".txt", ".css", ".js", ".sh", ".ini", ".cfg")
    files = [*_files(*suffixes), ROOT / "Makefile", ROOT / "baobao", ROOT / ".ci" / "run"]
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(ROOT)}: {p}" for p in OUTSIDE if p in text]
    assert found == []


def test_readme_layout_lists_every_top_level_folder():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("\n## Layout\n", 1)[1].split("```", 2)[1]
    listed = set(re.findall(r"^([.\w-]+)/", block, re.M))
    present = {
        p.name for p in ROOT.iterdir() if p.is_dir() and p.name not in SKIPPED_DIRS | {".git"}
    }
    present -= {name for name in present if name.startswith(".") and name != ".ci"}
    assert present <= listed
    assert listed - present <= {"data"}  # created at run time


def _defined(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def test_functions_named_in_the_architecture_exist():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    table = text.split("\n## Where each rule lives\n", 1)[1].split("\n## ", 1)[0]
    missing, named = [], 0
    for row in (line for line in table.splitlines() if line.startswith("| ")):
        parts = re.split(r"\[`[^`]+`\]\(\.\./([^)]+)\)", row)
        for target, after in zip(parts[1::2], parts[2::2], strict=True):
            defined = _defined(ROOT / target) if target.endswith(".py") else set()
            for name in re.findall(r"`(\w+)`", after.split("|")[0]):
                named += 1
                if name not in defined:
                    missing.append(f"{target}: {name}")
    assert named > 30 and missing == []
