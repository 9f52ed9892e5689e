"""The renderers: templates with StrictUndefined, the DOCX in GB/T 9704 form opened and converted
by LibreOffice, both PDFs carrying the headline figures, page 1 of each as PNG in
tests/artifacts/ for a person to look at."""

import io
import itertools
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from jinja2 import StrictUndefined
from PIL import Image
from sqlalchemy import text

from reports.charts import render_charts
from reports.layout import column_widths_mm, title_lines
from reports.render_docx import render_docx
from reports.render_html import boilerplate, document_title_lines, render_html
from reports.render_pdf import render_pdf
from services.core.periods import quarter
from services.reporting.briefing import document as briefing
from tests.support.briefing import build_county

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


# Rendering does not depend on the database: these tests build the county on SQLite only.
SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
# The entity of the open 重大 hazard in 三河镇 gets a name with markup (escaping end to end).
MARKUP = text(
    "UPDATE entity SET name = '三河镇<第1>餐馆' WHERE id = (SELECT MIN(e.id) "
    "FROM entity e JOIN jurisdiction j ON j.id = e.jurisdiction_id "
    "WHERE j.code = '510101003000')"
)


@pytest.fixture
def rendered(engine, set_today, session):
    """The fixture county's 2026Q3 briefing: its document, context and charts."""
    build_county(engine, set_today)
    session.execute(MARKUP)
    session.commit()
    c = briefing.context(session=session, quarter=quarter("2026Q3"))
    doc = briefing.document(c)
    return {"doc": doc, "c": c, "charts": render_charts(doc["charts"])}


def _headline(c: dict) -> list[str]:
    tasks = c["cur"]["tasks"]["all"]
    return [
        f"{tasks['completion_rate'] * 100:.1f}%",
        f"已完成{tasks['done']}家次",
        f"应督导{tasks['due']}家次",
        "新发现问题隐患6个",
        "超标 & 未下架",
        "红榜：",
    ]


def _pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode("utf-8")
    return "".join(out.split())  # content order (-raw); line breaks fall anywhere in Chinese


def _page_one(pdf: Path, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            "-singlefile",
            str(pdf),
            str(target),
        ],
        check=True,
        timeout=60,
    )
    return target.with_suffix(".png")


@SQLITE
def test_html_renders_with_strict_undefined_and_escapes(rendered):
    doc = rendered["doc"]
    html = render_html(doc, rendered["charts"], undefined=StrictUndefined)
    for section in doc["sections"]:
        assert f"<h2>{section['heading']}</h2>" in html
    assert "超标 &amp; 未下架" in html and "<第1>" not in html and "&lt;第1&gt;" in html
    assert html.count('src="data:image/png;base64,') == 2
    paragraphs = boilerplate(doc, undefined=StrictUndefined)
    assert len(paragraphs) == 4 and paragraphs[0].startswith("（一）抓好常态化包保督导")
    assert doc["next_label"] in paragraphs[0] and doc["black_names"] in paragraphs[2]
    assert all(f"<p>{p}</p>" in html for p in paragraphs)


CHARTS = {
    "completion": {
        "labels": [f"第{i}镇" for i in range(12)],
        "values": [i / 11 for i in range(11)] + [None],
        "target": 0.9,
    },
    "trend": {
        "labels": ["2025年四季度", "2026年一季度", "2026年二季度", "2026年三季度"],
        "found": [3, 0, 7, 12],
        "closed": [1, 0, 5, 9],
    },
}
NOTHING = {
    "completion": {"labels": [], "values": [], "target": 0.9},
    "trend": {"labels": ["2026年三季度"], "found": [0], "closed": [0]},
}


def test_charts_are_pngs_of_the_text_width_even_when_empty():
    ARTIFACTS.mkdir(exist_ok=True)
    for data in (CHARTS, NOTHING):
        for name, png in render_charts(data).items():
            image = Image.open(io.BytesIO(png))
            assert image.format == "PNG" and image.size == (819, 390), name
            if data is CHARTS:
                (ARTIFACTS / f"chart-{name}.png").write_bytes(png)
    bars = Image.open(io.BytesIO(render_charts(CHARTS)["completion"])).convert("RGB")
    colours = {colour for _, colour in bars.getcolors(maxcolors=1 << 16)}
    assert (0xC0, 0, 0) in colours and (0x2F, 0x55, 0x97) in colours  # below / at target


IMPORT_WEASYPRINT = """
import subprocess, sys
import cffi.api
spawned, load, start = [], cffi.api._load_backend_lib, subprocess.Popen.__init__
subprocess.Popen.__init__ = lambda self, *a, **k: spawned.append(a) or start(self, *a, **k)
def flaky(backend, name, flags):  # a machine where gobject loads only through the search
    if name == "libgobject-2.0.so.0" and sys.argv[1] == "flaky":
        raise OSError(name)
    return load(backend, name, flags)
cffi.api._load_backend_lib = flaky
from reports.render_pdf import weasyprint_html
print(weasyprint_html().__name__, len(spawned))
"""


@pytest.mark.parametrize("machine", ["plain", "flaky"])
def test_weasyprint_is_imported_without_searching_for_libraries(machine):
    """No ldconfig or gcc on the way (~0.5 s); a library found only by the search still loads."""
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_WEASYPRINT, machine],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert out[0] == "HTML"
    assert (int(out[1]) == 0) if machine == "plain" else (int(out[1]) > 0)


def test_column_widths_keep_names_and_dates_whole():
    """表6 of the demo county: eight columns, long descriptions, names and dates."""
    headers = ["序号", "主体", "所属区划", "隐患描述", "责任单位", "责任人", "整改时限", "完成情况"]
    row = [
        "12",
        "三河镇第12餐馆有限公司",
        "三河镇杏港社区",
        "后厨发现过期原料，未落实进货查验制度" * 2,
    ]
    rows = [row + ["三河镇市场监管所", "欧阳明", "2026年10月13日", "逾期108个工作日"]] * 5
    widths = column_widths_mm(headers, rows)
    em = 10.5 * 25.4 / 72
    assert round(sum(widths)) == 156
    assert widths[5] > 3 * em and widths[6] > 7.4 * em  # 欧阳明 and the date on one line
    assert widths[3] == max(widths)  # the description takes the room left
    assert all(w > 2 * em + 2.8 for w in widths)  # two characters a line at least, padding aside
    short = column_widths_mm(["序号", "乡镇（街道）", "完成率"], [["1", "石源镇", "59.6%"]])
    assert short[1] > 6 * em  # the header on one line


def test_titles_break_between_phrases_and_evenly():
    phrases = ["关于", "2026年第三季度", "黄桥县", "食品安全", "包保工作情况的汇报"]
    assert title_lines(phrases) == ["关于2026年第三季度黄桥县", "食品安全包保工作情况的汇报"]
    assert title_lines(["关于", "黄桥县", "的汇报"]) == ["关于黄桥县的汇报"]
    long = ["关于", "某某某某某某县某某某某某某乡镇", "食品安全", "包保工作情况的汇报"]
    assert all("".join(long).count(line) == 1 for line in title_lines(long))
    assert len(title_lines(long)) == 2


@SQLITE
def test_docx_has_the_official_page_and_fonts(rendered, tmp_path):
    path = tmp_path / "b.docx"
    path.write_bytes(render_docx(rendered["doc"], rendered["charts"], undefined=StrictUndefined))
    document = Document(path)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [
        round(m.mm)
        for m in (
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ] == [37, 35, 28, 26]
    east_asia = {
        s.name: s.element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        for s in document.styles
        if s.name in ("Normal", "Heading 1", "Heading 2", "Briefing Title")
    }
    assert east_asia == {
        "Normal": "仿宋_GB2312",
        "Heading 1": "黑体",
        "Heading 2": "楷体_GB2312",
        "Briefing Title": "方正小标宋简体",
    }
    assert document.settings.odd_and_even_pages_header_footer
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    assert "PAGE" in section.even_page_footer.paragraphs[0]._p.xml
    texts = [p.text for p in document.paragraphs]
    lines = document_title_lines(rendered["doc"])
    assert texts[: len(lines)] == lines and "".join(lines) == rendered["doc"]["title"]
    assert "{{" not in "".join(texts)
    fonts = zipfile.ZipFile(path).read("word/fontTable.xml").decode("utf-8")
    for standard, open_face in (
        ("方正小标宋简体", "Noto Serif CJK SC"),
        ("黑体", "Noto Sans CJK SC"),
        ("仿宋_GB2312", "FandolFang"),
        ("楷体_GB2312", "FandolKai"),
    ):
        entry = re.search(f'w:name="{standard}">(.*?)</w:font>', fonts, re.S)
        assert entry and open_face in entry.group(1), standard
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        s["heading"] for s in rendered["doc"]["sections"]
    ]
    assert len(document.tables) == sum(
        1 for s in rendered["doc"]["sections"] for b in s["blocks"] if b["kind"] == "table"
    )
    ranking = next(t for t in document.tables if t.rows[0].cells[0].text == "名次")
    # Ranked: the townships with tasks due (四方镇 has none), one row each under the header.
    board = rendered["doc"]["sections"][5]["blocks"][1]
    assert len(ranking.rows) == 1 + len(board["rows"]) and len(ranking.columns) == 11
    assert "四方镇" not in [r[1] for r in board["rows"]]
    assert len(document.inline_shapes) == 2


@SQLITE
@pytest.mark.skipif(
    not shutil.which("soffice") or not shutil.which("pdftotext"),
    reason="LibreOffice and poppler-utils are installed by scripts/system-deps.sh",
)
def test_both_pdfs_carry_the_headline_figures(rendered, tmp_path):
    doc, charts = rendered["doc"], rendered["charts"]
    docx = tmp_path / "briefing.docx"
    docx.write_bytes(render_docx(doc, charts))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    libre = tmp_path / "briefing.pdf"
    weasy = tmp_path / "weasyprint.pdf"
    weasy.write_bytes(render_pdf(doc, charts))
    for pdf in (libre, weasy):
        words = _pdf_text(pdf)
        assert "".join(doc["title"].split()) in words, pdf.name
        for figure in _headline(rendered["c"]):
            assert "".join(figure.split()) in words, (pdf.name, figure)
        assert "—1—" in words and "—2—" in words, pdf.name  # page numbers
    for pdf, name in ((libre, "briefing-libreoffice-p1"), (weasy, "briefing-weasyprint-p1")):
        png = _page_one(pdf, name)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


# 表6-like rows that force page breaks at many places: names, dates, long descriptions.
MAJOR = [
    "序号",
    "主体",
    "所属区划",
    "隐患描述",
    "责任单位",
    "责任人",
    "整改时限",
    "完成情况",
]


def _crowded(doc: dict) -> dict:
    """The briefing with ten more 表6-like tables of growing length after section 四."""
    extra = []
    for n in range(10):
        rows = [
            [
                str(i),
                f"三河镇第{i}餐馆有限公司",
                "三河镇杏港社区",
                "后厨发现过期原料，未落实进货查验制度，冷藏柜温度超标" * (1 + i % 2),
                "三河镇市场监管所",
                "欧阳明" if i % 2 else "李四",
                "2026年10月13日",
                f"逾期{100 + i}个工作日",
            ]
            for i in range(1, 4 + n)
        ]
        extra += [
            {"kind": "p", "text": "正文段落" * (5 + 7 * n)},
            {
                "kind": "table",
                "caption": f"表{8 + n} 未销号的重大风险隐患",
                "headers": MAJOR,
                "rows": rows,
                "note": "",
            },
        ]
    sections = [dict(s) for s in doc["sections"]]
    sections[3] = {**sections[3], "blocks": [*sections[3]["blocks"], *extra]}
    return {**doc, "sections": sections}


def _column_widths_px(page: Image.Image) -> list[int]:
    """Widths of every table column on a page image: vertical rules that run the height of a
    row band between two horizontal rules."""
    gray = page.convert("L")
    w, h = gray.size
    dark = gray.load()
    rules = [y for y in range(h) if sum(dark[x, y] < 128 for x in range(0, w, 2)) > w * 0.25]
    bands = [(a, b) for a, b in itertools.pairwise(rules) if b - a > 8]
    widths = []
    for top, bottom in bands:
        middle = range(top + 2, bottom - 1)
        xs = [x for x in range(w) if all(dark[x, y] < 160 for y in middle)]
        edges = [x for i, x in enumerate(xs) if i == 0 or x - xs[i - 1] > 2]
        widths += [b - a for a, b in itertools.pairwise(edges)]
    return widths


@SQLITE
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (system-deps)")
def test_pages_have_no_one_character_columns_and_no_stranded_captions(rendered, tmp_path):
    from tests.support.paperwork import pdf_fonts, pdf_pages, pdf_text_page

    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(render_pdf(_crowded(rendered["doc"]), rendered["charts"]))
    assert {name for name, _ in pdf_fonts(pdf)} == {
        "Noto-Serif-CJK-SC-Bold",
        "Noto-Sans-CJK-SC",
        "FandolFang",
        "FandolKai",
    }
    dpi = 100
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(tmp_path / "p")],
        check=True,
        timeout=120,
    )
    two_characters = (2 * 10.5 + 8) / 72 * dpi  # two 五号 characters and the cell padding
    columns = []
    for image in sorted(tmp_path.glob("p-*.png")):
        columns += _column_widths_px(Image.open(image))
    assert len(columns) > 200 and min(columns) >= two_characters, sorted(columns)[:5]
    for page in range(1, pdf_pages(pdf) + 1):
        lines = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        body = [
            line.strip()
            for line in lines
            if line.strip() and not re.fullmatch(r"—\s*\d+\s*—", line.strip())
        ]
        assert not re.match(r"^表\d+\s", body[-1]), (page, body[-1])
    words = "".join(pdf_text_page(pdf, page) for page in range(1, pdf_pages(pdf) + 1))
    assert words.count("欧阳明") == sum((4 + n) // 2 for n in range(10))  # never broken
    assert words.count("2026年10月13日") > 60


def _overlaps(canvas) -> list:
    boxes = [box for _, box in canvas.placed]
    return [
        (a, b)
        for a, b in itertools.combinations(boxes, 2)
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


@pytest.mark.parametrize("n", [3, 8, 15, 30])
def test_chart_labels_never_overlap_and_round_as_the_tables(n):
    from reports.charts import completion_canvas, trend_canvas
    from services.reporting.briefing.text import pct

    rates = [round(i / (n + 1), 4) for i in range(n)]
    rates[-1] = None
    data = {"labels": [f"第{i}镇" for i in range(n)], "values": rates, "target": 0.95}
    canvas = completion_canvas(data)
    assert not _overlaps(canvas)
    shown = [text for text, _ in canvas.placed if not text.startswith("目标")]
    assert shown == [pct(r).removesuffix("%") for r in rates if r is not None] + ["—"]
    assert any(text.startswith("目标") for text, _ in canvas.placed)
    trend = trend_canvas(
        {"labels": ["一", "二", "三", "四"], "found": [0, 0, 7, 12], "closed": [0, 0, 7, 9]}
    )
    values = [t for t, _ in trend.placed if t not in ("发现", "销号")]
    assert not _overlaps(trend) and sorted(values) == sorted(
        ["0", "0", "7", "12", "0", "0", "7", "9"]
    )
