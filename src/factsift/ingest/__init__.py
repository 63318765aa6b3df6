"""Ingest: load, fetch, extract and clean an article, and split it into sentences."""
