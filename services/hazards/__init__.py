"""风险隐患: hazards from visits and other sources, their governance duty and deadline, the
rectification lifecycle (待整改 → 已销号) with its evidence, and hazard lists."""
