"""督导任务: routine generation by the calendar, 专项督导 campaigns, the supervision policy
(frequency, on-site and first-visit rules) and task lists.
"""
