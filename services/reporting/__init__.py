"""Reports upward: the quarterly briefing, the 红黑榜, the risk review and the two lists."""
