"""Reports upward and paperwork: the quarterly briefing, the 红黑榜, the risk review, the two
lists, the 督导检查记录表 and 督导台账, the monthly report and the annual summary."""
