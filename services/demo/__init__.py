"""Demo data: a realistic, fictional, deterministic roster at town, county or province scale."""
