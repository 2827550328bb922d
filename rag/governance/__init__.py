"""Governance: who may see what (access), personal data in questions (privacy), the audit record, users' feedback."""
