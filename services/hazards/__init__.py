"""风险隐患: hazards from other sources, their governance duty and deadline, the rectification
lifecycle (待整改 → 已销号, 已撤销 for closed entities) with its evidence, and hazard lists."""
