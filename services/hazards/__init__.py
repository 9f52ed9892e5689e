"""风险隐患: hazards from visits and other sources, their rectification lifecycle and lists.

Modules: codes (Chinese labels ↔ codes), duty (deadline and governance-duty defaults), scope
(jurisdiction subtrees and townships), create (hazards add), from_visits (hazards of a recorded
visit), lifecycle (the transitions table and moves), listing (lists and overdue), workbook and
sheet_rows (printable list workbooks).
"""

from services.hazards.from_visits import open_hazards_for_record

__all__ = ["open_hazards_for_record"]
