"""The Prefect flows, one per file (`*_flow.py`); what the county-by-county report flows return."""

from collections.abc import Mapping
from typing import TypedDict, final

# A service's result passed through as it is (the job run's detail keeps it as JSON).
Detail = Mapping[str, object]


@final  # has no other keys: `"key" in result` tells it from a county's result
class Skipped(TypedDict):
    """A county whose report was not due (or was done already), and why."""

    jurisdiction: str | None
    skipped: str
