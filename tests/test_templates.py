"""Message templates: Chinese, autoescaped HTML, plain text, robot markdown; StrictUndefined."""

import dataclasses
import datetime as dt

import jinja2
import pytest

from notifications import builders
from services.reminders.digests import build_digests
from tests.support.reminders import add_hazard, add_task, build_roster

D = dt.date.fromisoformat
NASTY = "A&B <b>老*字号*</b> [链接](http://evil) #1"


@pytest.fixture
def digests(session):
    roster = build_roster(session)
    add_task(session, roster, "o_village", "2026-09-30", entity_name=NASTY)
    add_task(session, roster, "o_village", "2026-10-14", entity_name="柳树村幼儿园食堂")
    add_task(session, roster, "o_west", "2026-10-09")
    add_hazard(session, roster, "v_east", "2026-10-09", officer="o_village")
    return build_digests(session=session, today=D("2026-10-12"))  # Monday: with summary


def _officer(digests, code="V001"):
    return next(d for d in digests[0] if d.code == code)


def _office(digests, code):
    return next(d for d in digests[1] if d.code == code)


def test_officer_mail_in_chinese_with_text_and_html(digests):
    mail = builders.officer_email(_officer(digests), strict=True)
    assert mail.subject == "【包保督导提醒】2026年10月12日（周一） 李村官：逾期 2 项，即将到期 1 项"
    assert mail.text.startswith("李村官同志：")
    assert "一、已逾期（2 项）" in mail.text and "二、即将到期（1 项）" in mail.text
    assert "已逾期 4 个工作日" in mail.text and "还剩 2 个工作日" in mail.text
    assert "应于 2026年9月30日（周三） 前完成督导" in mail.text
    assert "整改时限 2026年10月9日（周五）" in mail.text
    assert NASTY in mail.text  # plain text is never interpreted: shown as it is
    assert "A&amp;B &lt;b&gt;老*字号*&lt;/b&gt;" in mail.html and "<b>老" not in mail.html
    assert '<a href="http://127.0.0.1:8000/tasks/' in mail.html


def test_office_mail_with_escalation_and_summary(digests):
    county = builders.office_email(_office(digests, "510101000000"), strict=True)
    assert county.subject == "【逾期督办】2026年10月12日（周一） 青石县食安办：逾期 1 项，本周汇总"
    assert "【西山镇】" in county.text and "王联络（1 项）" in county.text
    assert "本周汇总（按乡镇）" in county.text
    assert "东河镇：待督导 2，即将到期 1，已逾期 1，已升级 0，逾期隐患 1" in county.text
    assert "<th>逾期隐患</th>" in county.html
    town = builders.office_email(_office(digests, "510101001000"), strict=True)
    assert "逾期事项（本级督办）（2 项）" in town.text and "本周汇总" not in town.text


def test_escalated_items_are_marked(session):
    roster = build_roster(session)
    add_task(session, roster, "o_village", "2026-09-30")
    _, offices = build_digests(session=session, today=D("2026-10-13"))
    county = builders.office_email(_office((None, offices), "510101000000"), strict=True)
    assert "升级督办：下级逾期满 5 个工作日（1 项）" in county.text
    assert "（已升级督办）" in county.text and ">升级</b>" in county.html
    assert "升级 1 项" in county.subject


def test_robot_markdown_neutralises_markup_in_values(digests):
    note = builders.office_markdown(_office(digests, "510101001000"), strict=True)
    assert note.html is None
    assert note.text.startswith("### 【逾期督办】")
    assert "A&B ＜b＞老＊字号＊＜/b＞ ［链接］(http://evil) ＃1" in note.text
    assert "[查看](http://127.0.0.1:8000/tasks/" in note.text  # our own links stay links


def test_robot_markdown_fits_the_robot_limit(digests):
    office = _office(digests, "510101001000")
    many = dataclasses.replace(office.own, lines=office.own.lines * 60, total=120)
    note = builders.office_markdown(dataclasses.replace(office, own=many), strict=True)
    assert len(note.text.encode()) <= builders.ROBOT_MAX_BYTES
    assert note.text.endswith("完整名单请查看邮件或登录系统。")


def test_strict_undefined_catches_a_missing_value(digests):
    officer = _officer(digests)
    context = {f: getattr(officer, f) for f in officer.__dataclass_fields__ if f != "name"}
    template = builders.environment("text", strict=True).get_template("officer_digest.txt")
    with pytest.raises(jinja2.UndefinedError):
        template.render(context)


def test_html_templates_are_autoescaped_and_text_ones_are_not():
    assert builders.environment("html").autoescape is True
    assert builders.environment("text").autoescape is False
    assert builders.cndate(D("2026-09-20")) == "2026年9月20日（周日）"
    assert [builders.cnnum(n) for n in (1, 2, 10, 12)] == ["一", "二", "十", "十二"]
