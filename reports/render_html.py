"""The briefing as one self-contained HTML page (charts inline), from Jinja2 templates in
reports/templates: briefing.html extends base.html, blocks come from _blocks.html, the style from
style.css (GB/T 9704 look), the editable 下一季度工作安排 text from next_quarter.txt."""

import base64
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined, select_autoescape

from reports.fonts import FAMILY, cjk_font

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Font stacks of the GB/T 9704 look: the official fonts first, the bundled light CJK font last.
FONTS = {
    "title": '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong"',
    "hei": '"黑体", "SimHei", "Heiti SC"',
    "kai": '"楷体_GB2312", "楷体", "KaiTi", "STKaiti"',
    "fang": '"仿宋_GB2312", "仿宋", "FangSong", "STFangsong"',
    "song": '"宋体", "SimSun", "Songti SC"',
}


def text_width(text: str) -> float:
    """Printed width in em: a Chinese character is 1, a Latin letter or digit about 0.55."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text)


def column_widths(block: dict) -> list[float]:
    """Column widths (% of the table) from the printed text widths: fixed table layout is fast
    in WeasyPrint, and long descriptions no longer squeeze short columns into one character."""
    weights = []
    for i, header in enumerate(block["headers"]):
        cells = sorted(text_width(row[i]) for row in block["rows"]) or [0.0]
        typical = cells[len(cells) * 3 // 4]
        weights.append(min(max(typical, min(text_width(header), 4.0), 1.5), 24.0) + 1.5)
    total = sum(weights)
    return [round(100 * w / total, 1) for w in weights]


@lru_cache(maxsize=4)
def environment(undefined: type[Undefined] = StrictUndefined) -> Environment:
    """The templates' environment: HTML autoescaped, missing values an error by default."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=undefined,
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["column_widths"] = column_widths
    return env


def boilerplate(doc: dict, *, undefined: type[Undefined] = StrictUndefined) -> list[str]:
    """The editable paragraphs of 七、下一季度工作安排 (templates/next_quarter.txt)."""
    text = (
        environment(undefined)
        .get_template("next_quarter.txt")
        .render(
            doc=doc,
            next_label=doc["next_label"],
            red_names=doc["red_names"],
            black_names=doc["black_names"],
        )
    )
    return [line.strip() for line in text.splitlines() if line.strip()]


def font_stacks(*, pdf: bool) -> dict[str, str]:
    """CSS font-family values: for WeasyPrint only the bundled CJK font (fast, predictable:
    an official font name missing on the machine would make fontconfig pick any CJK font,
    perhaps a slow one); for browsers the official fonts, then the bundled one."""
    if pdf:
        return dict.fromkeys(FONTS, f'"{FAMILY}"')
    return {key: f'{stack}, "{FAMILY}", serif' for key, stack in FONTS.items()}


def render_html(
    doc: dict,
    charts: dict[str, bytes],
    *,
    pdf: bool = False,
    undefined: type[Undefined] = StrictUndefined,
) -> str:
    """The briefing page; pdf=True gives the variant WeasyPrint renders."""
    inline = {name: base64.b64encode(png).decode("ascii") for name, png in charts.items()}
    return (
        environment(undefined)
        .get_template("briefing.html")
        .render(
            doc=doc,
            charts=inline,
            pdf=pdf,
            boilerplate=boilerplate(doc, undefined=undefined),
            font_url=cjk_font().as_uri(),
            fonts=font_stacks(pdf=pdf),
        )
    )
