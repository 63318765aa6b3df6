"""Where alerts go: a JSONL file, a webhook (JSON, or a Slack-compatible ``{"text": ...}``), e-mail over SMTP.

Deliveries are queued in the store; :func:`deliver_pending` sends what is due, each sink on its own
timeout, and a failed delivery is retried later with exponential backoff — a sink that is down
never holds up the watcher (``run_dispatcher`` does this on its own thread). Every alert carries
its stable id (the JSONL sink skips ids the file already holds; the webhook sends it as
``Idempotency-Key``; the e-mail's Message-ID is made from it).
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from factsift.errors import InputError

if TYPE_CHECKING:
    from factsift.watch.store import ArchiveStore

log = logging.getLogger(__name__)

MAX_DELIVERY_ATTEMPTS = 10
RETRY_BASE = 30.0
RETRY_MAX = 3600.0


class SinkSettings(Protocol):
    """What a sink is built from (a ``[[sinks]]`` table as :class:`factsift.watch.config.SinkConfig` holds it)."""

    @property
    def name(self) -> str:
        """The sink's name (deliveries are queued under it)."""
        ...

    @property
    def kind(self) -> str:
        """jsonl, webhook or smtp."""
        ...

    @property
    def options(self) -> dict[str, Any]:
        """The kind's own settings."""
        ...


class Sink(Protocol):
    """Sends one alert somewhere; raises on failure (the delivery is then retried)."""

    name: str

    def send(self, alert: dict[str, Any]) -> None:
        """Deliver ``alert`` (its payload as stored)."""
        ...


def alert_text(alert: dict[str, Any]) -> str:
    """An alert in a few lines of plain text (Slack messages and e-mail bodies)."""
    risk = alert.get("risk") or {}
    lines = [
        f"[{alert.get('rule')}] {alert.get('title') or alert.get('url')}",
        *(f"- {reason}" for reason in alert.get("reasons") or []),
        f"Outlets: {', '.join(alert.get('outlets') or []) or 'unknown'}",
        f"Risk: {risk.get('label') or 'not scored'}",
        f"Article: {alert.get('url')}",
        f"Analysis: {alert.get('link')}",
    ]
    return "\n".join(lines)


@dataclass
class JsonlSink:
    """Appends each alert as one JSON line to ``path`` (an id already in the file is not written again)."""

    name: str
    path: Path
    _ids: set[str] | None = field(default=None, repr=False)

    def _known_ids(self) -> set[str]:
        """The alert ids the file already holds (read once)."""
        if self._ids is None:
            self._ids = set()
            if self.path.exists():
                with self.path.open(encoding="utf-8") as lines:
                    for line in lines:
                        try:
                            self._ids.add(json.loads(line)["id"])
                        except (ValueError, KeyError, TypeError):
                            continue  # a line cut by a crash: its alert is written again whole
        return self._ids

    def send(self, alert: dict[str, Any]) -> None:
        """Append the alert, flushed to disk, unless the file already has its id."""
        known = self._known_ids()
        if alert["id"] in known:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(alert, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        known.add(alert["id"])


@dataclass
class WebhookSink:
    """POSTs each alert as JSON to ``url`` (``slack=True``: a Slack-compatible ``{"text": ...}`` body)."""

    name: str
    url: str
    slack: bool = False
    timeout: float = 10.0

    def send(self, alert: dict[str, Any]) -> None:
        """POST the alert; any status but 2xx is a failure."""
        body = {"text": alert_text(alert), "alert": alert} if self.slack else alert
        response = httpx.post(
            self.url, json=body, timeout=self.timeout, headers={"Idempotency-Key": alert["id"]}, follow_redirects=False
        )
        if not 200 <= response.status_code < 300:
            raise InputError(f"webhook answered HTTP {response.status_code}")


@dataclass
class SmtpSink:
    """E-mails each alert; STARTTLS unless ``starttls=False``; user and password from environment variables."""

    name: str
    host: str
    sender: str
    to: list[str]
    port: int = 587
    starttls: bool = True
    username_env: str | None = None
    password_env: str | None = None
    cafile: str | None = None
    timeout: float = 10.0

    def send(self, alert: dict[str, Any]) -> None:
        """Send one message for the alert."""
        message = EmailMessage()
        message["Subject"] = f"[factsift] {alert.get('rule')}: {alert.get('title') or alert.get('url')}"
        message["From"] = self.sender
        message["To"] = ", ".join(self.to)
        message["Message-ID"] = f"<{alert['id']}@factsift.alerts>"
        message.set_content(alert_text(alert))
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context(cafile=self.cafile))
            if self.username_env:
                user, password = os.environ.get(self.username_env), os.environ.get(self.password_env or "")
                if not user or password is None:
                    raise InputError(f"SMTP credentials missing: set {self.username_env} and {self.password_env}")
                smtp.login(user, password)
            smtp.send_message(message)


def build_sink(config: SinkSettings) -> Sink:
    """The sink a ``[[sinks]]`` table describes; a missing or unknown setting is a clear error."""
    options = dict(config.options)
    where = f"sink {config.name} ({config.kind})"
    try:
        if config.kind == "jsonl":
            return JsonlSink(config.name, Path(str(options.pop("path"))).expanduser(), **options)
        if config.kind == "webhook":
            return WebhookSink(config.name, **options)
        if config.kind == "smtp":
            if isinstance(options.get("to"), str):
                options["to"] = [options["to"]]
            options["sender"] = options.pop("from", options.get("sender"))
            return SmtpSink(config.name, **options)
    except (KeyError, TypeError) as exc:
        raise InputError(f"{where}: bad or missing setting: {exc}") from exc
    raise InputError(f"{where}: unknown sink type")


def deliver_pending(store: ArchiveStore, sinks: dict[str, Sink], *, limit: int = 100) -> tuple[int, int]:
    """Send the deliveries due now; return (sent, failed this round). Failures are retried with backoff."""
    sent = failed = 0
    for delivery in store.pending_deliveries(time.time(), limit):
        sink = sinks.get(delivery.sink)
        if sink is None:
            store.delivery_done(delivery.alert_id, delivery.sink, error="sink no longer configured", next_try=None)
            continue
        try:
            sink.send(delivery.payload)
        except Exception as exc:
            failed += 1
            attempts = delivery.attempts + 1
            retry = None
            if attempts < MAX_DELIVERY_ATTEMPTS:
                retry = time.time() + min(RETRY_MAX, RETRY_BASE * 2 ** (attempts - 1))
            log.warning("alert %s to %s failed (attempt %d): %s", delivery.alert_id, delivery.sink, attempts, exc)
            store.delivery_done(delivery.alert_id, delivery.sink, error=f"{type(exc).__name__}: {exc}", next_try=retry)
            continue
        sent += 1
        store.delivery_done(delivery.alert_id, delivery.sink, error=None, next_try=None)
    return sent, failed


def run_dispatcher(open_store: Any, sinks: dict[str, Sink], stop: threading.Event, every: float = 1.0) -> None:
    """Deliver alerts until ``stop`` is set (a thread of the watcher, with its own store connection)."""
    store = open_store()
    try:
        while not stop.is_set():
            try:
                deliver_pending(store, sinks)
            except Exception:
                log.exception("alert delivery failed")
            stop.wait(every)
    finally:
        store.close()
