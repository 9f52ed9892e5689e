"""Typed models of config/policy.toml: one class per section, all under Policy."""

import datetime as dt
from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from config.strict import Strict

Frequency = Literal["monthly", "quarterly", "half-yearly", "yearly"]
# Tier, Grade, Level, Role and Category spell codes of models.enums (OfficerTier, Grade,
# HazardLevel, UserRole, Category): config imports nothing from the project (it is the bottom
# layer), and tests/test_layout.py keeps each pair equal.
Tier = Literal["city", "county", "township", "village"]
Grade = Literal["A", "B", "C", "D"]
Level = Literal["major", "serious", "general"]
Role = Literal["supervisor", "admin"]
Category = Literal[
    "食品生产",
    "食品销售",
    "餐饮服务",
    "学校幼儿园食堂",
    "养老机构食堂",
    "单位食堂",
    "特殊食品",
    "小作坊",
    "小餐饮",
    "食品摊贩",
    "农贸市场",
]


def _check_addresses(value: list[str]) -> list[str]:
    """Mail addresses ("名称 <a@b.cn>" or "a@b.cn"); ValueError naming the bad ones."""
    import re
    from email.utils import parseaddr

    bad = [v for v in value if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", parseaddr(v)[1])]
    if bad:
        raise ValueError(f"邮箱地址无效：{'、'.join(bad)}")
    return value


class FrequencyPolicy(Strict):
    """[frequency]: how often each assignment owes a routine visit (督导频次)."""

    default: Frequency = "quarterly"
    """The frequency of an assignment no override below matches."""
    tier: dict[Tier, Frequency] = Field(default_factory=dict)
    """Frequency by the officer's tier (city, county, township, village); overrides default."""
    package_grade: dict[Grade, Frequency] = Field(default_factory=dict)
    """Frequency by the entity's 主体等级 (A–D); overrides tier."""
    category: dict[str, Frequency] = Field(default_factory=dict)
    """Frequency by the entity's 业态 (e.g. "学校幼儿园食堂" = "monthly"); overrides every other
    key. Keys must be 业态 names the roster knows."""

    @field_validator("category")
    @classmethod
    def _known_categories(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(get_args(Category)))
        if unknown:
            raise ValueError(f"未知业态 {'、'.join(unknown)}")
        return value


class VisitPolicy(Strict):
    """[visits]: how a visit may be made and when a new assignment owes its first one."""

    onsite_risk_grades: list[Grade] = ["C", "D"]
    """风险等级 whose entities may only be visited on site (现场); 线上 and 集中 are refused."""
    first_visit_min_workdays: int = Field(default=10, ge=0, le=250)
    """An assignment starting with fewer working days than this left in a period owes its first
    visit in the next period; 0: every assignment owes the period it starts in."""
    max_backdate_workdays: int = Field(default=3, ge=0, le=250)
    """Working days after its visit date within which an officer may still enter a visit; a
    later entry is refused for the officer and only a supervisor of the jurisdiction enters it,
    with a reason (`tasks record --by --reason`, audited)."""
    require_all_items: bool = True
    """On-site (现场) visits must answer every checklist item that applies to the entity's 业态."""
    min_photos_on_site: int = Field(default=1, ge=0, le=50)
    """Photos an on-site visit must carry (the visit's own and its 否 items' together)."""
    upload_valid_hours: int = Field(default=24, ge=1, le=24 * 30)
    """Hours a photo uploaded before its visit form is sent stays attachable by its id (a form
    that fails validation keeps its photos; the API attaches photos by id)."""


class HazardPolicy(Strict):
    """[hazards]: rectification deadlines, default governance duty, evidence files."""

    deadline_workdays: dict[Level, int] = {"major": 5, "serious": 10, "general": 15}
    """整改时限: working days after discovery, by level (major 重大, serious 较大, general 一般)."""
    responsible_unit: str = "{township}市场监管所"
    """Default 责任单位 of a new hazard. Placeholders: {township} {county} {jurisdiction}
    {officer} {entity}; a pattern whose placeholders are all empty leaves the field blank."""
    responsible_person: str = "{officer}"
    """Default 责任人 of a new hazard (same placeholders as responsible_unit)."""
    measure: str = "督促主体限期整改，整改完成后提交整改材料申请验收"
    """Default 整改措施 of a new hazard (same placeholders as responsible_unit)."""
    evidence_max_mb: int = Field(default=20, ge=1, le=200)
    """Largest evidence or photo file accepted, in MB."""
    evidence_types: list[str] = [
        "jpg",
        "png",
        "gif",
        "webp",
        "bmp",
        "tif",
        "heic",
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
    ]
    """File types accepted as evidence, checked by content, not by name. Known: jpg jpx png gif
    webp bmp tif heic avif pdf doc docx xls xlsx ppt pptx odt ods odp."""
    verify_within_workdays: int = Field(default=5, ge=1, le=60)
    """Working days a hazard may wait in 待验收 (rectification reported) for its office to verify
    it; longer, it is verification overdue: the office's figure, not the officer's."""
    repeat_lookback_quarters: int = Field(default=4, ge=2, le=12)
    """Quarters (the current one included) the repeat-offender rule looks at: an entity with
    hazards found in the quarter and in an earlier one of them is a repeat offender (屡查屡犯)."""

    @field_validator("evidence_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        known = {
            "jpg",
            "jpx",
            "png",
            "gif",
            "webp",
            "bmp",
            "tif",
            "heic",
            "avif",
            "pdf",
            "doc",
            "docx",
            "xls",
            "xlsx",
            "ppt",
            "pptx",
            "odt",
            "ods",
            "odp",
        }
        if not value or set(value) - known:
            raise ValueError(f"可用的证据类型：{'、'.join(sorted(known))}")
        return value

    @field_validator("responsible_unit", "responsible_person", "measure")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        import string

        known = {"township", "county", "jurisdiction", "officer", "entity"}
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
        except ValueError as exc:
            raise ValueError(f"模板格式不正确：{exc}") from None
        if fields - known:
            raise ValueError(
                f"未知占位符 {'、'.join(sorted(fields - known))}，可用：{'、'.join(sorted(known))}"
            )
        return value


class ReminderPolicy(Strict):
    """[reminders]: who is reminded of what and when, and how the outbox delivers."""

    due_soon_workdays: int = Field(default=5, ge=0, le=60)
    """An open task or hazard due within this many working days (today not counted) is listed
    as due soon in its officer's daily digest."""
    escalate_after_workdays: int = Field(default=5, ge=1, le=250)
    """Working days overdue from which an item also goes to the next office up, marked 升级;
    the 红黑榜 penalty and the briefing count items overdue this long."""
    office_roles: list[Role] = Field(default=["supervisor", "admin"], min_length=1)
    """Roles of 食安办 users who receive their office's overdue digest (督办 supervisor, 管理员
    admin); a jurisdiction with no such user passes its items to the office above."""
    summary_level: Literal["city", "county", "township"] = "county"
    """Jurisdiction level whose offices get the weekly summary by township; the global group
    robots (BAOBAO_WECOM_WEBHOOK …) belong to this office."""
    summary_weekday: int = Field(default=0, ge=0, le=6)
    """Weekday of the weekly summary (0 = Monday … 6 = Sunday); sent on the first working day
    on or after it."""
    max_items_listed: int = Field(default=100, ge=1, le=5000)
    """Items listed in each part of one message; the rest are only counted."""
    max_attempts: int = Field(default=5, ge=1, le=50)
    """Delivery attempts of one message before it is kept as failed."""
    retry_backoff_minutes: list[int] = Field(default=[1, 5, 15, 60], min_length=1)
    """Minutes to wait before the 2nd, 3rd, … attempt; the last value repeats."""
    claim_timeout_minutes: int = Field(default=15, ge=1, le=1440)
    """A message claimed for delivery and not marked within this time belongs to a run that
    died: it is marked failed [状态不明] and resent only by `outbox retry ID`."""
    send_timeout_seconds: float = Field(default=10, gt=0, le=300)
    """Timeout of one connection to the mail server or a group robot, in seconds."""


class RegistrationFormat(Strict):
    """[[roster.registration_formats]]: one shape of 登记备案编号 a province issues (小作坊登记证,
    食品摊贩登记卡, 仅销售预包装食品备案…)."""

    province: str
    """The province: the first two digits of its 区划代码 (e.g. "51"), or "*" for everywhere."""
    name: str = Field(min_length=1)
    """What the number is, as the refusal message names it (e.g. 小作坊登记证)."""
    pattern: str
    """A regular expression the whole number must match."""
    example: str
    """A number of this shape, shown in the refusal message (it must match the pattern)."""

    @field_validator("province")
    @classmethod
    def _province(cls, value: str) -> str:
        if value != "*" and not (len(value) == 2 and value.isdigit()):
            raise ValueError('应为区划代码的前两位（如 "51"），或 "*"（全国）')
        return value

    @model_validator(mode="after")
    def _example_matches(self) -> "RegistrationFormat":
        import re

        try:
            compiled = re.compile(self.pattern)
        except re.error as exc:
            raise ValueError(f"正则表达式 {self.pattern!r} 无效：{exc}") from None
        if not compiled.fullmatch(self.example):
            raise ValueError(f"示例 {self.example} 不符合 {self.name} 的格式 {self.pattern}")
        return self


class RosterPolicy(Strict):
    """[roster]: the roster workbook: 未包保 grace and the limits of an uploaded file."""

    unassigned_grace_workdays: int = Field(default=7, ge=0, le=250)
    """Working days an office has to assign an officer to an entity without one (未包保); the
    briefing states it."""
    max_file_mb: int = Field(default=50, ge=1, le=1024)
    """Largest roster workbook (.xlsx) accepted, in MB; a folder of CSV files has no limit."""
    max_cells: int = Field(default=2_000_000, ge=1, le=100_000_000)
    """Most cells a roster workbook may hold over all its sheets (a guard against zip bombs)."""
    max_shared_text_mb: int = Field(default=64, ge=1, le=4096)
    """Most text, in MB once unpacked, a roster workbook's shared strings may hold; counted while
    reading, so a small file that unpacks to much text is refused before it takes the memory."""
    codeless_categories: list[Category] = ["食品摊贩"]
    """业态 whose entities may have no identifier at all (no 统一社会信用代码, 许可证编号 or
    登记备案编号); such an entity is known by its 主体名称 within its 所属区划."""
    registration_formats: list[RegistrationFormat] = []
    """The shapes of 登记备案编号 the provinces issue, as [[roster.registration_formats]] tables;
    a number must fit a format of its entity's province or one marked "*"."""
    header_aliases: dict[str, list[str]] = {}
    """Other spellings accepted for a roster column (column name → spellings), in the sheets
    that have that column; a sheet's own column name always wins."""


class CalendarPolicy(Strict):
    """[calendar]: local changes to the official working-day calendar."""

    extra_holidays: list[dt.date] = []
    """Local days off added to the official calendar, e.g. ["2026-11-02"]."""
    extra_workdays: list[dt.date] = []
    """Local working days added to the official calendar; they win over extra_holidays."""
    reload_seconds: int = Field(default=60, ge=1, le=86400)
    """Each process reads the years held in the database (./baobao calendar import) again
    after this many seconds."""
    next_year_warn_month: int = Field(default=12, ge=1, le=12)
    """From the 1st of this month on, the doctor asks for next year's 法定节假日 until they are
    entered (12: from 1 December)."""


class BackupPolicy(Strict):
    """[backup]: how many nightly backups (the scheduled job backup) are kept."""

    keep_daily: int = Field(default=7, ge=1, le=366)
    """Keep the newest archive of each of the last N days that have one."""
    keep_monthly: int = Field(default=12, ge=0, le=240)
    """Also keep the newest archive of each of the last M months."""


class DoctorPolicy(Strict):
    """[doctor]: the thresholds of ./baobao doctor (系统自检)."""

    min_free_disk_mb: int = Field(default=1024, ge=1, le=10_000_000)
    """Free space (MB) the disks of the data directory, the backups and a SQLite database
    must keep."""
    job_late_hours: int = Field(default=2, ge=1, le=24 * 31)
    """A scheduled job whose fire time passed this many hours ago without a successful run
    since needs attention."""


class LogPolicy(Strict):
    """[logs]: rotation of the log files DATA_DIR/logs/<process>.log."""

    max_mb: int = Field(default=10, ge=1, le=10_000)
    """A log file rotates when it reaches this size (MB)."""
    keep: int = Field(default=5, ge=1, le=100)
    """How many rotated files of each log are kept."""


class RankingPolicy(Strict):
    """[ranking]: the quarterly 红黑榜 of the units below the office (a county office ranks its
    townships, a city office its counties). score = 100 × the weighted rates that are not "—"
    (a "—" rate's weight goes to the others) − overdue_penalty × items overdue ≥
    escalate_after_workdays. Only units with tasks due in the quarter are ranked."""

    on_time_weight: float = Field(default=0.6, ge=0, le=1)
    """Weight of the on-time completion rate (按时完成率) in the score."""
    closure_weight: float = Field(default=0.4, ge=0, le=1)
    """Weight of the hazard closure rate (隐患销号率) in the score; a unit with no hazard to close
    has closure "—" and its weight goes to the on-time rate."""
    overdue_penalty: float = Field(default=0.5, ge=0, le=100)
    """Points taken off for each task or hazard overdue by at least [reminders]
    escalate_after_workdays working days on the day the quarter's figures describe."""
    red_size: int = Field(default=3, ge=0, le=50)
    """Places on the red list (红榜): the best N of the units meeting every target."""
    black_size: int = Field(default=3, ge=0, le=50)
    """Places on the black list (黑榜): the worst N of the units below a target."""
    boundary_ties: Literal["all_on", "all_off"] = "all_on"
    """Units tied on score across a list's last place: all_on lists them all (the list grows),
    all_off lists none of them (the list shrinks); never some of them."""
    completion_target: float | None = Field(default=None, ge=0, le=1)
    """Completion rate (督导完成率) a unit must reach for the 红榜 (below it: may go on the
    黑榜); unset: [briefing] completion_target."""
    on_time_target: float | None = Field(default=None, ge=0, le=1)
    """On-time rate (按时完成率) target of the lists; unset: [briefing] on_time_target."""
    closure_target: float | None = Field(default=None, ge=0, le=1)
    """Closure rate (隐患销号率) target of the lists; unset: [briefing] closure_target."""


class BriefingPolicy(Strict):
    """[briefing]: the quarterly standing-committee briefing (县委常委会季度汇报)."""

    completion_target: float = Field(default=0.95, ge=0, le=1)
    """Target completion rate (督导完成率); a lower rate is written under 存在的问题."""
    on_time_target: float = Field(default=0.90, ge=0, le=1)
    """Target on-time completion rate (按时完成率)."""
    closure_target: float = Field(default=0.90, ge=0, le=1)
    """Target hazard closure rate (隐患销号率)."""
    report_workday: int = Field(default=5, ge=1, le=40)
    """The briefing of a quarter is produced on this working day of the next quarter."""
    issuer: str = "{county}食品安全委员会办公室"
    """The issuing office (落款); {county} is the county's name."""
    recipients: list[str] = []
    """Mail addresses the briefing is sent to, e.g. ["县委办 <xwb@example.cn>"]; empty: the
    briefing is only archived."""
    formats: list[Literal["docx", "pdf", "html"]] = ["docx", "pdf", "html"]
    """Formats written when a command or the schedule names none."""
    max_listed: int = Field(default=20, ge=1, le=1000)
    """Rows listed in the text for lists such as open major hazards; the rest are counted."""
    imbalance_spread: float = Field(default=0.15, ge=0, le=1)
    """"进展不平衡" is said only when the completion rates of the units (townships, or counties
    above the county) differ by more than this (highest − lowest)."""
    worst_listed: int = Field(default=3, ge=1, le=50)
    """"尤为突出" names at most this many of the worst units, and never all of them; a city
    briefing also lists this many of its worst townships."""
    late_share: float = Field(default=0.5, ge=0, le=1)
    """"按时督导意识不强" is said only when visits done late are at least this share of the
    tasks not done on time (else the shortfall is unfinished work, said elsewhere)."""

    @field_validator("recipients")
    @classmethod
    def _mail_addresses(cls, value: list[str]) -> list[str]:
        return _check_addresses(value)


class FontPolicy(Strict):
    """[fonts]: the open faces PDFs and charts are set in (GB/T 9704 roles); `make setup`
    installs them. The DOCX names the standard fonts (方正小标宋简体, 黑体, 仿宋_GB2312,
    楷体_GB2312) and lists these as their fallbacks."""

    title: str = "Noto Serif CJK SC"
    """The 小标宋-like face of titles (set bold)."""
    heading: str = "Noto Sans CJK SC"
    """The 黑体-like face of level-1 headings, table headers, captions and charts."""
    body: str = "FandolFang"
    """The 仿宋-like face of body text and tables."""
    kai: str = "FandolKai"
    """The 楷体-like face of level-2 headings and the issuer line."""


class ReportPolicy(Strict):
    """[reports]: the monthly report (月报) and the annual summary (年度包保工作总结)."""

    monthly_workday: int = Field(default=3, ge=1, le=20)
    """The month's report is produced on this working day of the next month."""
    monthly_formats: list[Literal["xlsx", "docx"]] = ["xlsx", "docx"]
    """Formats of the monthly report when a command or the schedule names none."""
    annual_workday: int = Field(default=10, ge=1, le=40)
    """The annual summary of a year is produced on this working day of January."""
    annual_formats: list[Literal["docx", "pdf"]] = ["docx", "pdf"]
    """Formats of the annual summary when a command or the schedule names none."""
    recipients: list[str] = []
    """Mail addresses of the county office the monthly report and the annual summary are sent
    to, e.g. ["县食安办 <sab@example.cn>"]; empty: they are only archived."""
    max_photos: int = Field(default=12, ge=0, le=100)
    """Photos printed with one visit record (thumbnails, then full size); the rest are counted."""
    photo_dpi: int = Field(default=150, ge=72, le=300)
    """Resolution photos are downscaled to for printing a visit record."""

    @field_validator("recipients")
    @classmethod
    def _mail_addresses(cls, value: list[str]) -> list[str]:
        return _check_addresses(value)


class WebPolicy(Strict):
    """[web]: the web application and its API: sessions, links, tokens, sign-in."""

    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    """Hours a sign-in lasts."""
    link_valid_days: int = Field(default=7, ge=1, le=90)
    """Days a one-tap link in a reminder opens its task or hazard without signing in."""
    invite_valid_hours: int = Field(default=72, ge=1, le=24 * 30)
    """Hours a set-password invitation link is valid (it works once)."""
    api_token_days: int = Field(default=90, ge=1, le=3650)
    """Days an API token (POST /api/token) is valid; a password change voids it sooner."""
    login_max_failures: int = Field(default=5, ge=1, le=100)
    """Failed sign-ins of one person (whichever of their 干部编号, 手机号 or 账号 was typed)
    before it is locked for a while."""
    login_max_client_failures: int = Field(default=20, ge=1, le=1000)
    """Failed sign-ins from one client address before it is locked for a while (behind a
    reverse proxy the address comes from BAOBAO_TRUSTED_PROXIES' forwarded header)."""
    login_lock_minutes: int = Field(default=15, ge=1, le=24 * 60)
    """Minutes a locked account or address waits."""
    min_password_length: int = Field(default=8, ge=6, le=128)
    """Shortest password accepted."""
    upload_max_files: int = Field(default=20, ge=1, le=1000)
    """Most files one form submission may carry (visit photos, evidence)."""
    upload_max_request_mb: int = Field(default=80, ge=1, le=4096)
    """Largest form submission (fields and every file), in MB, refused from its Content-Length
    before the body is read, and again while it streams; a roster upload may be as large as
    [roster] max_file_mb."""
    hsts_max_age_days: int = Field(default=365, ge=1, le=3650)
    """Days a browser that opened the site over https keeps to https for it
    (Strict-Transport-Security, sent on requests that came over https)."""
    sheet_invite_days: int = Field(default=14, ge=1, le=90)
    """Days the set-password links of a printed invitation sheet (one QR code per officer) stay
    valid; each still works once."""


class BanquetPolicy(Strict):
    """[banquets]: 农村集体聚餐备案 — which banquets need on-site guidance, and when filings are due."""

    min_diners: int = Field(default=100, ge=1, le=100_000)
    """A banquet of this many expected diners or more opens a 现场指导 task for its village's
    officer."""
    file_days_before: int = Field(default=3, ge=0, le=60)
    """Calendar days before the event by which a banquet must be filed; a later filing is
    accepted and flagged as late."""
    chef_cert_warn_days: int = Field(default=30, ge=0, le=366)
    """A 乡厨's health certificate expiring within this many days goes into the village
    officer's digest."""


class DashboardPolicy(Strict):
    """[dashboard]: the office dashboard (工作台)."""

    remember_seconds: int = Field(default=30, ge=0, le=3600)
    """Seconds an office's dashboard figures are kept by the web application before they are
    counted again (0: every time); a change made through the application shows at once. Once
    half of them have passed, the next visit is answered from memory while the figures are
    counted again in the background (one office at a time), so a page opened steadily never
    waits for the counting."""


class Policy(Strict):
    """config/policy.toml: every number the rules use, one section per area."""

    frequency: FrequencyPolicy = FrequencyPolicy()
    visits: VisitPolicy = VisitPolicy()
    hazards: HazardPolicy = HazardPolicy()
    reminders: ReminderPolicy = ReminderPolicy()
    roster: RosterPolicy = RosterPolicy()
    calendar: CalendarPolicy = CalendarPolicy()
    ranking: RankingPolicy = RankingPolicy()
    briefing: BriefingPolicy = BriefingPolicy()
    dashboard: DashboardPolicy = DashboardPolicy()
    reports: ReportPolicy = ReportPolicy()
    fonts: FontPolicy = FontPolicy()
    web: WebPolicy = WebPolicy()
    backup: BackupPolicy = BackupPolicy()
    doctor: DoctorPolicy = DoctorPolicy()
    logs: LogPolicy = LogPolicy()
    banquets: BanquetPolicy = BanquetPolicy()
