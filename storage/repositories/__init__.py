"""Repositories: SQL in, domain values out."""
