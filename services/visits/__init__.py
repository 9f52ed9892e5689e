"""督导记录: recording a visit on a task, with its checklist answers, problems and photos, and
reading a visit's answered items (services.visits.items)."""
