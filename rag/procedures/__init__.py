"""Procedure cards: search, legal-basis resolution, rendering and citizen checklists."""
