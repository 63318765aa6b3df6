"""Known fact-checks (schema.org ClaimReview): import, store, hybrid retrieval and the ``factchecks`` stage.

The web server and other callers use :func:`factsift.factchecks.importer.import_files` and
:func:`factsift.factchecks.search.search`.
"""
