"""The roster (包保名册): the workbook template, its import from .xlsx or a CSV folder (checked
row by row and across sheets, all-or-nothing, history kept), its export, and handover (交接)."""
