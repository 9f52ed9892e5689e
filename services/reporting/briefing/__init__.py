"""季度汇报: the standing-committee briefing — figures, generated wording, sections, mailing."""
