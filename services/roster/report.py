"""What an import reports: every error (the first MAX_ERRORS kept, in sheet, row and column
order), the counts per sheet, the columns and sheets it did not read, and what it handed over."""

from dataclasses import asdict, dataclass, field

from services.roster.checks import MAX_ERRORS, RowError
from services.roster.columns import SHEET_BY_NAME, SHEETS
from services.roster.preview import RosterPreview
from services.roster.settle import Settled
from services.roster.sheets import Ignored


@dataclass
class ErrorLog:
    """Every error counted; the first MAX_ERRORS kept, sorted by sheet, row and column."""

    kept: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(self, error: RowError) -> None:
        self.total += 1
        if len(self.kept) < MAX_ERRORS:
            self.kept.append(error)

    def extend(self, errors: list[RowError]) -> None:
        for error in errors:
            self.add(error)

    def sorted(self) -> list[RowError]:
        order = {s.name: i for i, s in enumerate(SHEETS)}

        def key(e: RowError) -> tuple[int, int, int]:
            sheet = SHEET_BY_NAME[e.sheet]
            headers = [c.header for c in sheet.columns]
            column = headers.index(e.column) if e.column in headers else -1
            return order[e.sheet], e.row or 0, column

        return sorted(self.kept, key=key)


@dataclass
class ImportResult:
    file: str
    sha256: str
    dry_run: bool
    partial: bool
    counts: dict[str, dict[str, int]]
    errors: list[RowError]
    error_total: int
    ignored: list[Ignored] = field(default_factory=list)
    people_linked: int = 0  # people holding records of several kinds (one 手机号)
    handovers: Settled | None = None  # what the import handed over (None: nothing written)
    preview: RosterPreview | None = None  # by name: what it creates, changes, ends; 未包保

    @property
    def ok(self) -> bool:
        return self.error_total == 0

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "partial": self.partial,
            "written": self.ok and not self.dry_run,
            "sheets": self.counts,
            "ignored": [i.as_dict() for i in self.ignored],
            "people_linked": self.people_linked,
            "handovers": self.handovers or {},
            "preview": asdict(self.preview) if self.preview else None,
            "error_total": self.error_total,
            "errors": [e.as_dict() for e in self.errors],
        }
