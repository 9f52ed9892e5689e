"""Renderers of documents in the GB/T 9704 look (the briefing, the monthly report, the annual
summary, visit records): HTML, PDF, DOCX, charts, and their templates.

They turn documents (plain dicts and strings built by services.reporting) into files; they read
no database and hold no figures of their own.
"""
