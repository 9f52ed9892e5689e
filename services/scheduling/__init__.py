"""Scheduled jobs: the one registry (config/schedules.toml), its run records, the embedded
APScheduler runner and the Prefect deployments and environment.
"""
