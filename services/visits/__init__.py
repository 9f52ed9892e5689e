"""督导记录: recording a visit on a task (rule 11: entry window, complete answers, photos uploaded
first), the hazards and recurrences its findings open, and reading a visit's answered items."""
