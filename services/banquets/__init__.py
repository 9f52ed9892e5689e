"""农村集体聚餐 (rule 14): banquet filings, their 现场指导 tasks and visits, 回访 and illness
reports, and the 乡厨 register."""
