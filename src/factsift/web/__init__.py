"""The web server: a JSON API under ``/api/v1`` and server-rendered report pages (``factsift serve``)."""
