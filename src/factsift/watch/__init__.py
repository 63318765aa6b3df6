"""Watch the news stream: poll feeds, analyse every new article once, keep it, and send alerts.

``factsift watch`` (:mod:`factsift.watch.runner`) reads RSS, Atom, JSON Feed, sitemaps and OPML
lists (:mod:`.feeds`), fetches politely (:mod:`.fetcher`), folds copies of one URL (:mod:`.urls`) and
groups syndicated copies of one text (:mod:`.dedup`), analyses through the normal pipeline
(:mod:`.analysis`) and keeps everything, with its own state, in the archive store (:mod:`.store`).
Alerts (:mod:`.alerts`, :mod:`.sinks`), the daily digest (:mod:`.digest`) and recurring claims
(:mod:`.trends`) read that store.
"""
