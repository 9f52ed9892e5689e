"""Codes are enums: templates name them (TaskState.OVERDUE, HazardStatus.CLOSED), never spell
their values, and every enum a template may compare with is one of its globals."""

import inspect
import re
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from models import enums
from reports.build_docx_template import BODY
from reports.document import BlockKind
from reports.render_html import environment as document_environment
from web.deps import templates

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = ("web/templates", "reports/templates", "notifications/templates")
# The enums of states and kinds that pages branch on.
CODES = (
    enums.TaskStatus,
    enums.TaskState,
    enums.HazardStatus,
    enums.HazardFilter,
    enums.ItemKind,
    enums.PersonKind,
)
# The codes the document templates (reports/templates, the DOCX's tags) branch on.
DOCUMENT_CODES = (BlockKind,)
# Every code of models.enums (and the documents' BlockKind) when a template compares with it.
COMPARED = (
    *(e for e in vars(enums).values() if inspect.isclass(e) and issubclass(e, StrEnum)),
    *DOCUMENT_CODES,
)
JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
QUOTED = re.compile(r"""["']([a-z_0-9]+)["']""")
COMPARISON = re.compile(r"""(?:==|!=)\s*["']([a-z_0-9]+)["']|["']([a-z_0-9]+)["']\s*(?:==|!=)""")


def _spelled_codes(text: str, values: set[str]) -> list[str]:
    return [
        word for block in JINJA.findall(text) for word in QUOTED.findall(block) if word in values
    ]


def _in_templates(check: Callable[[str, set[str]], list[str]], values: set[str]) -> dict:
    """What check finds in each template that has something, by its path."""
    return {
        str(path.relative_to(ROOT)): spelled
        for folder in TEMPLATE_DIRS
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".html", ".txt", ".md", ".j2")
        and (spelled := check(path.read_text(encoding="utf-8"), values))
    }


def test_templates_name_codes_by_their_enum():
    # "officer" is also a column pages sort by: PersonKind is left out of this check.
    codes = (*CODES, *DOCUMENT_CODES)
    values = {member.value for enum in codes if enum is not enums.PersonKind for member in enum}
    assert _in_templates(_spelled_codes, values) == {}


def _compared_codes(text: str, values: set[str]) -> list[str]:
    return [
        word
        for block in JINJA.findall(text)
        for found in COMPARISON.finditer(block)
        if (word := found.group(1) or found.group(2)) in values
    ]


def test_templates_never_compare_with_a_spelled_code():
    """Any code of any enum (levels, tiers, sources, outcomes …) a template compares with."""
    values = {member.value for enum in COMPARED for member in enum}
    assert _in_templates(_compared_codes, values) == {}
    text = '{% if b.unit_level == "county" %}{% endif %}{{ "x" if "ok" != r.outcome }}'
    assert _compared_codes(text, values) == ["county", "ok"]


def test_the_docx_template_names_codes_by_their_enum():
    values = {member.value for enum in DOCUMENT_CODES for member in enum}
    assert [text for _, text in BODY if _spelled_codes(text, values)] == []
    assert any("BlockKind.TABLE" in text for _, text in BODY)


def test_the_check_finds_a_spelled_code():
    values = {member.value for member in enums.TaskState}
    text = '<p class="open">{% if d.status == "overdue" %}x{% endif %}{{ TaskState.OPEN }}</p>'
    assert _spelled_codes(text, values) == ["overdue"]


def test_every_code_enum_is_a_template_global():
    for enum in CODES:
        assert templates.env.globals.get(enum.__name__) is enum, enum
    assert all(issubclass(enum, StrEnum) for enum in CODES)
    assert templates.env.globals.get("JurisdictionLevel") is enums.JurisdictionLevel
    for enum in DOCUMENT_CODES:
        assert document_environment().globals.get(enum.__name__) is enum, enum


def test_every_labelled_enum_labels_each_code_once():
    for enum, labels in enums.LABELS.items():
        assert set(labels) == {member.value for member in enum}, enum
    for enum in (enums.TaskState, enums.HazardFilter, enums.RunOutcome):
        assert enum in enums.LABELS, enum
    # A state shown on a list labels a stored status the same way.
    for status in enums.TaskStatus:
        assert enums.label(enums.TaskState, status) == enums.label(enums.TaskStatus, status)
    for status in enums.HazardStatus:
        assert enums.label(enums.HazardFilter, status) == enums.label(enums.HazardStatus, status)


def test_the_command_line_starts_without_the_models():
    """Commands name codes through models.enums inside their functions: importing it at the top
    would load every table (and SQLAlchemy) for `./baobao --help`."""
    import subprocess
    import sys

    probe = "import sys, cli.app; sys.exit(('sqlalchemy' in sys.modules) + 2 * ('models' in sys.modules))"
    assert subprocess.run([sys.executable, "-c", probe], cwd=ROOT).returncode == 0
