"""Reminders and delivery: who hears about what today (responsible offices, digests), the
outbox and its exactly-once delivery.
"""
