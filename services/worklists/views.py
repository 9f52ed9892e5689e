"""What a supervisor list page and its export need, in one call each: the checked filters, the
page of rows and the townships offered by the filter."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from services.accounts.access_office import townships_in_scope
from services.figures.tasks import Township
from services.permissions.principal import Principal
from services.worklists.export import ListExport, export_worklist
from services.worklists.filters import ListFilter, parse_filter
from services.worklists.hazards import HazardPage, hazard_page
from services.worklists.tasks import TaskPage, task_page


@dataclass(frozen=True)
class ListView:
    filters: ListFilter
    page: TaskPage | HazardPage
    townships: list[Township]


def task_list(*, session: Session, who: Principal, params: Mapping[str, str]) -> ListView:
    """The task list page for these query parameters (BadInput for a bad one)."""
    filters = parse_filter(params=params, kind="tasks")
    found = task_page(session=session, who=who, filters=filters)
    return ListView(filters, found, townships_in_scope(session=session, who=who)[1:])


def hazard_list(*, session: Session, who: Principal, params: Mapping[str, str]) -> ListView:
    """The hazard list page for these query parameters (BadInput for a bad one)."""
    filters = parse_filter(params=params, kind="hazards")
    found = hazard_page(session=session, who=who, filters=filters)
    return ListView(filters, found, townships_in_scope(session=session, who=who)[1:])


def export_list(
    *, session: Session, who: Principal, kind: str, params: Mapping[str, str], path: Path
) -> ListExport:
    """The task ("tasks") or hazard ("hazards") list for these query parameters, to xlsx."""
    filters = parse_filter(params=params, kind=kind)
    return export_worklist(session=session, who=who, kind=kind, filters=filters, path=path)
