"""Typed models of config/documents/*.toml: the fixed wording of each document an office
prints or sends (title, 主送, signature, paragraph openings), so that a county can match its own
house style without code.

Every value is a Jinja2 template ({{ name }} inserts a value the document offers; a name it does
not offer is an error when the document is made). In a title, "|" marks where the title may
break onto a new line (GB/T 9704: a title breaks between phrases, never inside one).
"""

from pydantic import ValidationInfo, field_validator

from config.strict import Strict


class Wording(Strict):
    """The base of every document's wording: each value must be a valid Jinja2 template."""

    @field_validator("*")
    @classmethod
    def _template(cls, value: object) -> object:
        from jinja2 import Environment, TemplateSyntaxError

        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
            if isinstance(text, str):
                try:
                    Environment().parse(text)
                except TemplateSyntaxError as exc:
                    raise ValueError(f"模板语法错误：{exc.message}") from None
        return value


class BriefingWording(Wording):
    """config/documents/briefing.toml: the quarterly standing-committee briefing (季度汇报).
    Values offered: quarter_label (2026年第三季度), place (the county's name), level (county,
    township …), scope_word (全县). The issuer is [briefing] issuer in policy.toml; the
    paragraphs of 八、下一季度工作安排 are config/documents/next_quarter.txt."""

    title: str = "关于|{{ quarter_label }}|{{ place }}|食品安全|包保工作情况的汇报"
    """The title; "|" marks where it may break."""
    salutation: str = "{{ '县委常委会：' if level == 'county' else '' }}"
    """主送 (the addressee line); empty: none."""
    lead: str = "现将{{ quarter_label }}{{ scope_word }}食品安全包保工作情况汇报如下："
    """The opening paragraph."""


class VisitRecordWording(Wording):
    """config/documents/visit_record.toml: the printed 督导检查记录表 of one visit. Values
    offered: place (the entity's township), period (2026Q3), task (the task's number)."""

    title: str = "食品安全包保督导检查记录表"
    """The title of each record."""
    subtitle: str = "{{ place }}　　任务编号：{{ task }}　　期间：{{ period }}"
    """The line under the title."""
    entity_heading: str = "一、被督导主体"
    """Heading of the entity's particulars."""
    visit_heading: str = "二、督导情况"
    """Heading of the officer, date and mode."""
    checklist_heading: str = "三、督导检查清单"
    """Heading of the checklist answers."""
    problems_heading: str = "四、发现的问题及处理"
    """Heading of the problems found and the hazards they opened."""
    photos_heading: str = "五、现场照片"
    """Heading of the photos."""
    officer_signature: str = "包保干部（签字）："
    """Signature block of the officer."""
    entity_signature: str = "主体负责人（签字）："
    """Signature block of the entity's 负责人."""
    signature_date: str = "　　　　年　　月　　日"
    """The date line under each signature."""
    footnote: str = "本记录一式两份，包保干部和被督导主体各留存一份。"
    """The note at the foot of the record."""


class LedgerWording(Wording):
    """config/documents/ledger.toml: the 督导台账 workbook. Values offered: place, span
    (2026年第三季度, or 截至2026年10月12日), today (2026-10-12), count (visits listed)."""

    title: str = "{{ place }}食品安全包保督导台账（{{ span }}）"
    """The title row of the sheet."""
    note: str = "区划：{{ place }}　　导出日期：{{ today }}　　共 {{ count }} 次督导"
    """The note row under the title."""


class MonthlyWording(Wording):
    """config/documents/monthly.toml: the monthly report (月报). Values offered: place,
    month_label (2026年10月), scope_word (全县), issuer ([briefing] issuer), date."""

    title: str = "{{ place }}|食品安全包保工作|月报|（{{ month_label }}）"
    """The title; "|" marks where it may break."""
    salutation: str = "市食品安全委员会办公室："
    """主送 (the addressee line)."""
    lead: str = "现将{{ month_label }}{{ scope_word }}食品安全包保工作情况报告如下："
    """The opening paragraph."""
    closing: str = "特此报告。"
    """The closing paragraph before the signature."""
    mail_subject: str = "【月报】{{ place }}食品安全包保工作月报（{{ month_label }}）"
    """Subject of the mail that sends it to [reports] recipients."""


class AnnualWording(Wording):
    """config/documents/annual.toml: the annual summary's figures section (年度包保工作总结).
    Values offered in every text: place, year, scope_word, as_of (2026年12月31日); each
    sentence names the figures it may use in its docstring."""

    title: str = "{{ place }}|{{ year }}年度|食品安全包保工作总结|（数据部分）"
    """The title; "|" marks where it may break."""
    salutation: str = ""
    """主送 (the addressee line); empty: none."""
    lead: str = (
        "现将{{ year }}年度{{ scope_word }}食品安全包保工作有关数据汇总如下，"
        "每项数据后附可直接引用的表述。"
    )
    """The opening paragraph."""
    mail_subject: str = "【年度总结】{{ place }}{{ year }}年度食品安全包保工作总结（数据部分）"
    """Subject of the mail that sends it to [reports] recipients."""
    headings: dict[str, str] = {
        "entities": "一、包保主体和包保干部",
        "supervision": "二、包保督导开展情况",
        "hazards": "三、问题隐患整改情况",
        "ranking": "四、季度考核排名",
        "campaigns": "五、专项督导",
        "banquets": "六、农村集体聚餐备案",
    }
    """Section headings by section name (entities, supervision, hazards, ranking, campaigns,
    banquets)."""
    sentences: dict[str, str] = {
        "entities": (
            "截至{{ as_of }}，{{ scope_word }}纳入包保的在营食品生产经营主体{{ entities }}家，"
            "其中{{ by_category }}。"
        ),
        "grades": "按主体等级分，{{ by_grade }}；风险等级为C级、D级的高风险主体{{ high_risk }}家。",
        "officers": "落实各级包保干部{{ officers }}名，其中{{ by_tier }}。",
        "coverage": (
            "{{ covered }}家主体落实了包保干部，包保覆盖率{{ coverage_rate }}"
            "{% if unassigned %}，尚有{{ unassigned }}家未落实包保{% endif %}。"
        ),
        "tasks": (
            "全年应开展包保督导{{ due }}家次，已完成{{ done }}家次，完成率{{ completion_rate }}；"
            "按时完成{{ on_time }}家次，按时完成率{{ on_time_rate }}。"
        ),
        "visits": "全年记录督导{{ visits }}次，其中现场督导{{ onsite }}次，覆盖主体{{ entities_visited }}家。",
        "hazards": (
            "全年发现问题隐患{{ found }}个，上年度结转{{ carried_over }}个，已整改销号{{ closed }}个，"
            "销号率{{ closure_rate }}；年末尚未销号{{ open }}个，其中逾期{{ overdue }}个。"
        ),
        "hazard_sources": "按来源分，{{ by_source }}。",
        "hazard_levels": "按隐患等级分，{{ by_level }}。",
        "ranking": "{{ quarter_label }}红榜：{{ red }}；黑榜：{{ black }}。",
        "campaigns": "全年开展专项督导{{ count }}次，应督导{{ due }}家次，完成{{ done }}家次。",
        "campaign": "{{ name }}（{{ due_date }}前完成）：应督导{{ due }}家次，完成{{ done }}家次，完成率{{ rate }}。",
        "banquets": (
            "全年备案农村集体聚餐{{ filed }}场，其中应现场指导{{ to_guide }}场，已指导{{ guided }}场，"
            "指导率{{ guidance_rate }}；逾期备案{{ late }}场；"
            "聚餐后发生身体不适{{ with_illness }}场、{{ ill }}人。"
        ),
    }
    """One sentence per figure, by figure name (every name below must be there): entities (entities, by_category), grades (by_grade,
    high_risk), officers (officers, by_tier), coverage (covered, unassigned, coverage_rate),
    tasks (due, done, on_time, completion_rate, on_time_rate), visits (visits, onsite,
    entities_visited), hazards (found, carried_over, closed, open, overdue, closure_rate),
    hazard_sources (by_source), hazard_levels (by_level), ranking (quarter_label, red, black),
    campaigns (count, due, done), campaign (name, due_date, due, done, rate), banquets (filed,
    to_guide, guided, guided_on_time, guidance_rate, late, with_illness, ill)."""

    @field_validator("headings", "sentences")
    @classmethod
    def _every_name(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        default = cls.model_fields[info.field_name or ""].default
        missing = sorted(set(default) - set(value))
        unknown = sorted(set(value) - set(default))
        if missing or unknown:
            raise ValueError(
                f"缺少 {'、'.join(missing) or '无'}；不认识 {'、'.join(unknown) or '无'}"
            )
        return value
