"""Validity: whether a text or a cited claim holds on a given date: status relations, the validity service, reform notices, administrators' overrides, the citation checker."""
