"""The roster workbook (docs/domain.md): template, import (all-or-nothing, history kept), export.

Modules: columns (sheets and headers), normalise (cell values), reader (xlsx / CSV folder),
checks (row checks), staging + resolve + crosschecks + history (set-based cross-row checks),
apply + apply_assignments + audit_sql (writes), importer (the whole import), layout, template,
export.
"""
