"""Renderers of the quarterly briefing (HTML, PDF, DOCX, charts) and their templates.

They turn a briefing document (services.reporting.briefing.document.document: plain dicts and strings) into files;
they read no database and hold no figures of their own.
"""
