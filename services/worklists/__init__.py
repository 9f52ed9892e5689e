"""Supervisor work lists: overdue and open tasks, hazards; filtered, searched, sorted, paged
and exported exactly as filtered, within the signed-in office's scope."""
