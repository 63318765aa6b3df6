"""The watcher's cycle: poll the feeds that are due, fetch and analyse new items, archive them, raise alerts.

``run_once`` is one cycle (``factsift watch --once``, for cron); ``run_forever`` repeats cycles until
asked to stop (SIGTERM), with alert delivery on its own thread. All state is in the store, so any
number of cycles, interrupted anywhere, archive each item once.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from factsift.archive.keep import digest_id, kept_article
from factsift.archive.store import ArticleArchive, KeptArticle, open_article_archive
from factsift.batch.records import InputRecord
from factsift.errors import FetchRefused, InputError
from factsift.ingest.fetch import FetchedPage, HTTPStatusError
from factsift.options import StoreUrl
from factsift.watch.alerts import raise_alerts
from factsift.watch.analysis import Analyser
from factsift.watch.config import WatchConfig
from factsift.watch.dedup import NearDuplicates, from_bytes, signature, to_bytes
from factsift.watch.feeds import parse_feed
from factsift.watch.fetcher import FetchSettings, HostBusy, PoliteFetcher, RobotsDisallowed, backoff_until, retry_after
from factsift.watch.sinks import Sink, build_sink, deliver_pending, run_dispatcher
from factsift.watch.store import ArchivedArticle, FeedState, PendingItem, open_archive
from factsift.watch.urls import canonical_url

log = logging.getLogger(__name__)

#: Articles fetched and analysed together, per fetch thread (one store transaction each, after the batch).
BATCH_PER_THREAD = 4
#: A failing article is tried again after this many seconds, doubled each time.
ARTICLE_RETRY = 300.0


def article_id(key: str) -> str:
    """The archive id of the article with canonical URL ``key`` (stable, so storing twice stores once; the same
    id the article archive gives it)."""
    return digest_id(key)


@dataclass
class CycleSummary:
    """What one cycle did."""

    feeds_polled: int = 0
    not_modified: int = 0
    feed_errors: int = 0
    new_items: int = 0
    archived: int = 0
    gone: int = 0
    failed: int = 0
    deferred: int = 0
    alerts_sent: int = 0
    #: Articles added to the article archive (new or changed) when keeping is on.
    kept: int = 0
    errors: list[str] = field(default_factory=list)


class Watcher:
    """Polls feeds into a store, analyses new items and raises alerts."""

    def __init__(self, config: WatchConfig, db: StoreUrl, *, progress: bool = False) -> None:
        """Open the store, the sinks, the fetcher and the near-duplicate index (rebuilt from the store)."""
        self.config = config
        self.db = db
        self.progress = progress
        self.store = open_archive(db)
        #: The article archive everything read is kept in (searched for coverage), unless keeping is off.
        self.kept: ArticleArchive | None = open_article_archive(db) if config.keep_articles is not False else None
        self.sinks: dict[str, Sink] = {sink.name: build_sink(sink) for sink in config.sinks}
        self.store.set_sinks(list(self.sinks))
        self.fetcher = PoliteFetcher(
            FetchSettings(
                allow_private=config.allow_private,
                user_agent=config.user_agent,
                per_host_interval=config.per_host_interval,
            )
        )
        self.duplicates = NearDuplicates(config.dedup_threshold, config.dedup_window)
        for identifier, group, fetched, data in self.store.signatures(time.time() - config.dedup_window):
            self.duplicates.add(identifier, group, from_bytes(data), fetched)
        self._analyser: Analyser | None = None

    @property
    def analyser(self) -> Analyser:
        """The analysis workers, started on first need."""
        if self._analyser is None:
            self._analyser = Analyser(
                self.config.analysis(), workers=self.config.workers, scheduler=self.config.scheduler
            )
        return self._analyser

    def close(self) -> None:
        """Stop the workers and close the store."""
        if self._analyser is not None:
            self._analyser.close()
        if self.kept is not None:
            self.kept.close()
        self.store.close()

    # Feeds

    def sync_feeds(self) -> None:
        """Put the configured feeds (and those of the OPML files) into the store."""
        for feed in self.config.feeds:
            self.store.add_feed(feed.url, name=feed.name, interval=feed.interval)
        for path in self.config.opml:
            try:
                listed = parse_feed(path.read_bytes())
            except OSError as exc:
                raise InputError(f"cannot read the OPML file {path}: {exc.strerror}") from exc
            if listed.kind != "opml":
                raise InputError(f"{path} is not an OPML file")
            for url in listed.feeds:
                self.store.add_feed(url, name=None, interval=None, parent=str(path))

    def _interval(self, feed: FeedState) -> float:
        """The feed's own poll interval, else the default."""
        return feed.interval if feed.interval is not None else self.config.interval

    def _poll(self, feed: FeedState, summary: CycleSummary) -> None:
        """Poll one feed and record the outcome (new items, validators, backoff or error)."""
        now = time.time()
        try:
            page = self.fetcher.fetch_feed(feed.url, etag=feed.etag, last_modified=feed.last_modified)
            if page.status == 304:
                summary.not_modified += 1
                self.store.record_poll(
                    feed.url, last_poll=now, next_poll=now + self._interval(feed), failures=0, error=None
                )
                return
            parsed = parse_feed(page.body)
        except HostBusy as exc:
            self.store.record_poll(feed.url, next_poll=exc.until, error=str(exc))
            return
        except InputError as exc:
            summary.feed_errors += 1
            summary.errors.append(f"{feed.url}: {exc}")
            asked = retry_after(exc.headers, now) if isinstance(exc, HTTPStatusError) else None
            failures = feed.failures + 1
            self.store.record_poll(
                feed.url,
                last_poll=now,
                failures=failures,
                error=str(exc),
                next_poll=backoff_until(now, failures, min(self._interval(feed), 300.0), asked),
            )
            return
        for child in parsed.feeds:
            self.store.add_feed(child, name=None, interval=feed.interval, parent=feed.url)
        items = [(canonical_url(i.url), i.url, i.title, i.published) for i in parsed.items]
        new = self.store.add_items(feed.url, items, now)
        summary.new_items += new
        self.store.record_poll(
            feed.url,
            etag=page.headers.get("etag"),
            last_modified=page.headers.get("last-modified"),
            last_poll=now,
            next_poll=now + self._interval(feed),
            failures=0,
            error=parsed.warning,
            kind=parsed.kind,
            items=feed.items + new,
        )

    def poll_feeds(self, summary: CycleSummary) -> None:
        """Poll every feed that is due, ``fetch_threads`` at a time."""
        self.sync_feeds()
        polled: set[str] = set()
        for _round in range(3):  # the feeds a sitemap index lists are due at once (three levels at most)
            now = time.time()
            due = [f for f in self.store.feeds() if f.next_poll <= now and f.url not in polled]
            if not due:
                return
            polled.update(f.url for f in due)
            summary.feeds_polled += len(due)
            with ThreadPoolExecutor(self.config.fetch_threads) as pool:
                list(pool.map(lambda feed: self._poll(feed, summary), due))

    # Articles

    def _fetch(self, item: PendingItem, summary: CycleSummary) -> FetchedPage | None:
        """The item's page, or None after recording why it was put off or given up."""
        now = time.time()
        retry = now + ARTICLE_RETRY * 2**item.attempts
        final = item.attempts + 1 >= self.config.max_attempts
        try:
            return self.fetcher.fetch_article(item.url)
        except HostBusy as exc:
            self.store.defer_item(item.key, reason=str(exc), next_try=exc.until, attempt=False)
            summary.deferred += 1
        except HTTPStatusError as exc:
            if exc.status in (404, 410):
                self.store.defer_item(item.key, reason=str(exc), next_try=now, final_state="gone")
                summary.gone += 1
            else:
                asked = retry_after(exc.headers, now) or retry
                self.store.defer_item(item.key, reason=str(exc), next_try=asked, final_state="error" if final else None)
                summary.failed += final
                summary.deferred += not final
        except RobotsDisallowed as exc:
            self.store.defer_item(item.key, reason=str(exc), next_try=now, final_state="robots")
            summary.failed += 1
        except FetchRefused as exc:
            self.store.defer_item(item.key, reason=str(exc), next_try=now, final_state="refused")
            summary.failed += 1
        except InputError as exc:
            self.store.defer_item(item.key, reason=str(exc), next_try=retry, final_state="error" if final else None)
            summary.failed += final
            summary.deferred += not final
        return None

    def _archive(self, item: PendingItem, report: dict[str, Any], report_json: str, fetched: float) -> bool:
        """Group, match and alert on one analysed article, then store it all in one transaction."""
        identifier = article_id(item.key)
        text = (report.get("article") or {}).get("text") or ""
        minhash = signature(text)
        group = self.duplicates.assign(identifier, minhash, fetched)
        outlet = ((report.get("article") or {}).get("outlet") or {}).get("domain")
        outlets = self.store.group_outlets(group) if group != identifier else []
        if outlet and outlet not in outlets:
            outlets.append(outlet)
        matches = [
            (str(m["review_id"]), int(m["claim_index"]), float(m["score"]))
            for m in report.get("factchecks") or []
            if m.get("review_id")
        ]
        matched = {review for review, _, _ in matches}
        alerts = raise_alerts(
            self.config.rules,
            report,
            article_id=identifier,
            item=item,
            group_id=group,
            outlets=outlets,
            match_count=lambda review: self.store.match_count(review) + (review in matched),
            base_url=self.config.base_url,
            now=fetched,
        )
        article = ArchivedArticle(identifier, item, fetched, report, report_json, group, to_bytes(minhash), matches)
        article.alerts = [alert for alert in alerts if not self.store.alert_exists(alert.id)]
        return self.store.archive(article)

    def _analyse_and_archive(
        self, items: list[PendingItem], pages: list[FetchedPage | None], summary: CycleSummary
    ) -> None:
        """Analyse the fetched pages of a batch and archive each report (or put the item off)."""
        fetched_at = time.time()
        ready = [(item, page) for item, page in zip(items, pages, strict=True) if page is not None]
        records = [
            InputRecord(
                id=item.key,
                url=item.url,
                html=page.body if page.content_type != "text/plain" else None,
                text=page.body if page.content_type == "text/plain" else None,
            )
            for item, page in ready
        ]
        outcomes = self.analyser.analyse(records)
        # kept before the items are marked done: a watcher killed in between analyses them again on restart and
        # keeps them again (unchanged), instead of marking them done with nothing in the article archive
        self._keep([(item, report) for (item, _), (_, report, _, _) in zip(ready, outcomes, strict=True)], summary)
        for (item, _page), (_key, report, report_json, error) in zip(ready, outcomes, strict=True):
            if report is None or report_json is None:
                final = item.attempts + 1 >= self.config.max_attempts
                self.store.defer_item(
                    item.key,
                    reason=error or "analysis failed",
                    next_try=fetched_at + ARTICLE_RETRY * 2**item.attempts,
                    final_state="error" if final else None,
                )
                summary.failed += final
                summary.deferred += not final
                continue
            if self._archive(item, report, report_json, fetched_at):
                summary.archived += 1

    def _keep(self, analysed: list[tuple[PendingItem, dict[str, Any] | None]], summary: CycleSummary) -> None:
        """Add a batch's analysed articles to the article archive in one transaction; a failure is logged and
        counted, and the watcher goes on (the reports are archived in the watch store all the same)."""
        if self.kept is None:
            return
        articles: list[KeptArticle] = []
        for item, report in analysed:
            if report is None:
                continue
            try:
                articles.append(kept_article(report, published=item.published))
            except InputError as exc:
                summary.errors.append(f"{item.url}: not kept in the article archive: {exc}")
        if not articles:
            return
        try:
            counts = self.kept.add(articles)
        except Exception as exc:  # a store error must not stop the watcher: it is logged and shown in the summary
            log.exception("watch: keeping %d articles in the article archive failed", len(articles))
            summary.errors.append(f"keeping {len(articles)} articles in the article archive failed: {exc}")
            return
        summary.kept += counts.added + counts.updated

    def _next_batch(self, budget: int, fetching: list[PendingItem]) -> list[PendingItem]:
        """The next pending items to work on, leaving out those being fetched already."""
        size = min(BATCH_PER_THREAD * self.config.fetch_threads, budget)
        if size <= 0:
            return []
        busy = {item.key for item in fetching}
        return [i for i in self.store.pending_items(time.time(), size + len(busy)) if i.key not in busy][:size]

    def process_items(self, summary: CycleSummary, stop: threading.Event | None = None) -> None:
        """Fetch, analyse and archive pending items, at most ``max_articles_per_cycle`` of them.

        The next batch is fetched while the current one is analysed, so the analysis never waits for the network.
        """
        budget = self.config.max_articles_per_cycle
        with (
            tqdm(total=None, unit="article", disable=not self.progress, file=sys.stderr, dynamic_ncols=True) as bar,
            ThreadPoolExecutor(self.config.fetch_threads) as pool,
        ):
            batch = self._next_batch(budget, [])
            fetching = [pool.submit(self._fetch, item, summary) for item in batch]
            while batch:
                pages = [future.result() for future in fetching]
                budget -= len(batch)
                stopping = stop is not None and stop.is_set()
                following = [] if stopping else self._next_batch(budget, batch)
                fetching = [pool.submit(self._fetch, item, summary) for item in following]
                self._analyse_and_archive(batch, pages, summary)
                bar.update(len(batch))
                batch = following

    def run_once(self, stop: threading.Event | None = None, *, deliver_for: float = 30.0) -> CycleSummary:
        """One cycle: poll what is due, process new items, then try to deliver alerts for up to ``deliver_for`` s."""
        summary = CycleSummary()
        self.poll_feeds(summary)
        self.process_items(summary, stop)
        deadline = time.monotonic() + deliver_for
        while time.monotonic() < deadline:
            sent, _failed = deliver_pending(self.store, self.sinks)
            summary.alerts_sent += sent
            if not sent:
                break
        return summary

    def run_forever(self, stop: threading.Event, *, idle: float = 5.0) -> None:
        """Cycle until ``stop`` is set; alerts are delivered meanwhile on their own thread."""
        dispatcher = threading.Thread(
            target=run_dispatcher,
            args=(lambda: open_archive(self.db), self.sinks, stop),
            name="factsift-alerts",
            daemon=True,
        )
        dispatcher.start()
        try:
            while not stop.is_set():
                summary = CycleSummary()
                self.poll_feeds(summary)
                self.process_items(summary, stop)
                if summary.new_items or summary.archived or summary.feed_errors:
                    log.warning(
                        "watch: %d feeds polled, %d new items, %d archived, %d feed errors",
                        summary.feeds_polled,
                        summary.new_items,
                        summary.archived,
                        summary.feed_errors,
                    )
                if not self.store.pending_items(time.time(), 1):
                    stop.wait(idle)
        finally:
            stop.set()
            dispatcher.join(timeout=15)
