"""The document reports/ renders — the briefing, the annual summary, the monthly report — as
services.reporting builds it: a title, sections of blocks (paragraphs, tables, charts) and, for
the briefing, the data of its two charts. The HTML, PDF and DOCX versions read the same one.
"""

from enum import StrEnum
from typing import Literal, NotRequired, TypedDict


class BlockKind(StrEnum):
    """What a block of a section is; the templates branch on it (a global of theirs)."""

    PARAGRAPH = "p"
    HEADING = "h2"
    TABLE = "table"
    CHART = "chart"


class Paragraph(TypedDict):
    kind: Literal[BlockKind.PARAGRAPH]
    text: str
    figure: NotRequired[str]  # the annual summary's figure the sentence states (paste-ready)


class Heading(TypedDict):
    kind: Literal[BlockKind.HEADING]
    text: str


class Table(TypedDict):
    kind: Literal[BlockKind.TABLE]
    caption: str  # numbered 表1, 表2 … in order by services.reporting.periodic.numbered
    headers: list[str]
    rows: list[list[str]]
    note: str  # "" for none


class Chart(TypedDict):
    kind: Literal[BlockKind.CHART]
    name: str  # a key of Charts
    caption: str


Block = Paragraph | Heading | Table | Chart


class Section(TypedDict):
    heading: str
    blocks: list[Block]
    boilerplate: bool  # followed by the editable paragraphs of config/documents/next_quarter.txt


class CompletionChart(TypedDict):
    """图1: completion rate by unit (None: nothing was due), the target as a dashed line."""

    labels: list[str]
    values: list[float | None]
    target: float


class TrendChart(TypedDict):
    """图2: hazards found and closed per quarter."""

    labels: list[str]
    found: list[int]
    closed: list[int]


class Charts(TypedDict):
    completion: CompletionChart
    trend: TrendChart


class Document(TypedDict):
    title: str
    title_phrases: list[str]  # the title's phrases: lines break between them
    issuer: str
    date: str  # in Chinese: 2026年10月13日
    salutation: str  # "" for none
    lead: str
    sections: list[Section]
    subject: NotRequired[str]  # the mail's subject (the annual summary, the monthly report)
    # The briefing's: its quarter, the names its boilerplate paragraphs use, its charts.
    quarter: NotRequired[str]
    quarter_label: NotRequired[str]
    next_label: NotRequired[str]
    red_names: NotRequired[str]
    black_names: NotRequired[str]
    charts: NotRequired[Charts]
