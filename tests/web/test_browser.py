"""Real-browser tests: Debian's Chromium, driven by chromedriver, against ``factsift serve``.

They need the ``chromium`` and ``chromium-driver`` packages: ``make test`` installs them (``make browser``)
or stops saying what is missing, and a missing browser here is a failure, never a silent skip.
Screenshots are saved in each test's tmp_path (and copied to $FACTSIFT_SCREENSHOTS if set).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from factsift.web.store import open_analyses

from .samples import CLAIM_REVIEW, HOSTILE, SAMPLE_TEXT, full_report

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
)


def _need(name: str, fallback: str) -> str:
    found = shutil.which(name) or (fallback if Path(fallback).exists() else None)
    if found:
        return found
    pytest.fail(f"{name} is not installed: run `make browser` (apt-get install chromium chromium-driver)")


@dataclass
class Server:
    base: str
    db: Path

    def api(self, path: str) -> Any:
        response = httpx.get(self.base + path, timeout=30)
        response.raise_for_status()
        return response.json()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """``factsift serve`` on a free loopback port with its own store."""
    db = tmp_path / "store.db"
    open_analyses(db)  # created up front so tests may seed it
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "FACTSIFT_API_KEYS"}
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "factsift", "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(db)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise AssertionError(f"factsift serve exited: {(tmp_path / 'server.log').read_text()}")
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("factsift serve did not start within 120 s")
            time.sleep(0.2)
        yield Server(base=base, db=db)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Debian Chromium via chromedriver (never a downloaded browser)."""
    chromium = _need("chromium", "/usr/bin/chromium")
    driver_path = _need("chromedriver", "/usr/bin/chromedriver")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never try to download anything
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.add_argument("--window-size=1200,1400")
    service = webdriver.ChromeService(executable_path=driver_path, log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(300)  # the first analysis may load models
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: Any, tmp_path: Path, name: str) -> Path:
    """Save a full-height screenshot in the test's output (and $FACTSIFT_SCREENSHOTS if set)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.outerWidth")
    driver.set_window_size(width, min(int(height) + 150, 8000))
    path = tmp_path / f"{name}.png"
    assert driver.save_screenshot(str(path))
    assert path.stat().st_size > 5000
    if os.environ.get("FACTSIFT_SCREENSHOTS"):
        folder = Path(os.environ["FACTSIFT_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / path.name)
    return path


def submit_form(driver: Any, base: str, text: str) -> str:
    """Paste ``text`` into the box on ``/``, press the button, wait for the report; returns its id."""
    driver.get(base + "/")
    box = driver.find_element(By.ID, "source")
    driver.execute_script("arguments[0].value = arguments[1];", box, text)  # a paste, not keystrokes
    driver.find_element(By.ID, "analyse-button").click()
    WebDriverWait(driver, 300).until(lambda d: "/a/" in d.current_url and d.find_elements(By.ID, "report"))
    return str(driver.find_element(By.ID, "report").get_attribute("data-analysis"))


def no_alert(driver: Any) -> bool:
    try:
        _ = driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def expected_spans(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, quoted text) of every span in the report that should be highlighted."""
    article = report["article"]
    spans: list[tuple[str, dict[str, Any]]] = [("signal", s) for sig in report["signals"] for s in sig["spans"]]
    spans += [("claim", c["span"]) for c in report["claims"] if c.get("span")]
    result = []
    for kind, span in spans:
        target = article["title"] if span.get("field") == "title" else article["text"]
        if target and 0 <= span["start"] < span["end"] <= len(target):
            result.append((kind, target[span["start"] : span["end"]]))
    return result


def seed_factcheck(server: Server) -> bool:
    """Import a fact-check of the sample's main claim when the fact-check store exists."""
    if importlib.util.find_spec("factsift.factchecks") is None:
        return False
    if importlib.util.find_spec("factsift.factchecks.importer") is None:
        return False
    files = {"file": ("reviews.json", json.dumps([CLAIM_REVIEW]).encode(), "application/json")}
    response = httpx.post(server.base + "/api/v1/factchecks:import", files=files, timeout=120)
    assert response.status_code == 200, response.text
    return True


def test_sample_article_through_the_form(server: Server, browser: Any, tmp_path: Path) -> None:
    seeded = seed_factcheck(server)
    analysis_id = submit_form(browser, server.base, SAMPLE_TEXT.read_text("utf-8"))
    report = server.api(f"/api/v1/analyses/{analysis_id}")["report"]
    assert report["errors"] == [], report["errors"]  # every installed stage ran

    assert browser.find_element(By.ID, "headline").text == report["article"]["title"]
    assert "Elsmere Patriot Wire" in browser.find_element(By.ID, "outlet").text
    shown = browser.execute_script("return document.getElementById('article-text').textContent")
    assert shown == report["article"]["text"]

    # Every span of every stage is highlighted in place, with its explanation.
    spans = expected_spans(report)
    notes = browser.find_elements(By.CSS_SELECTOR, "#notes li")
    assert len(notes) == len(spans)
    quotes = [n.find_element(By.TAG_NAME, "q").get_attribute("textContent") for n in notes]
    assert sorted(quotes) == sorted(q for _, q in spans)
    marks = browser.find_elements(By.CSS_SELECTOR, "a.hl[data-marks]")
    assert bool(marks) == bool(spans)
    if "signals" in report["stages"]:
        assert browser.find_elements(By.CSS_SELECTOR, "#article-text a.hl-signal"), "no signal span highlighted"
        assert browser.find_element(By.ID, "signals").is_displayed()
    if "claims" in report["stages"]:
        assert browser.find_elements(By.CSS_SELECTOR, "#article-text a.hl-claim"), "no claim highlighted"
        assert browser.find_elements(By.CSS_SELECTOR, "#claims li.claim")
    if "risk" in report["stages"]:
        assert browser.find_element(By.ID, "risk").is_displayed()
    if "sources" in report["stages"] and report["source"]:
        assert browser.find_element(By.ID, "source-badge").text == report["source"]["label"]
    if seeded and "factchecks" in report["stages"]:
        badges = [b.text.lower() for b in browser.find_elements(By.CSS_SELECTOR, "#claims .verdict")]
        assert "false" in badges, badges
    if marks:
        marks[0].click()
        panel = browser.find_element(By.ID, "explain")
        WebDriverWait(browser, 10).until(lambda d: panel.is_displayed())
        assert panel.find_elements(By.CSS_SELECTOR, ".note")
    removed = browser.find_element(By.ID, "removed")
    assert str(len(report["article"]["removed"])) in removed.text
    screenshot(browser, tmp_path, "sample-report")

    # The new analysis is in the recent list on the front page.
    browser.get(server.base + "/")
    assert browser.find_elements(By.CSS_SELECTOR, f'.recent-list a[href="/a/{analysis_id}"]')


def test_highlights_overlap_and_explain_in_the_browser(server: Server, browser: Any, tmp_path: Path) -> None:
    summary = open_analyses(server.db).save(full_report())
    browser.get(f"{server.base}/a/{summary.id}")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#notes li")) == 6
    overlap = browser.find_element(By.CSS_SELECTOR, '#article-text a.hl-multi[data-marks="m3 m1 m5"]')
    assert overlap.text == "asked not to"
    assert "Loaded language" in overlap.get_attribute("title") and "Claim" in overlap.get_attribute("title")
    overlap.click()
    panel = browser.find_element(By.ID, "explain")
    WebDriverWait(browser, 10).until(lambda d: panel.is_displayed())
    explained = panel.text
    assert "Loaded language" in explained and "Anonymous sourcing" in explained and "Claim" in explained
    assert "active" in overlap.get_attribute("class")
    assert browser.find_element(By.CSS_SELECTOR, "#claims .verdict").text.lower() == "false"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#contributions svg.bar rect")) == 3
    assert browser.find_element(By.CSS_SELECTOR, "#headline a.hl-signal").text == "Shocking:"
    screenshot(browser, tmp_path, "overlapping-highlights")
    panel.find_element(By.CSS_SELECTOR, ".explain-close").click()
    WebDriverWait(browser, 10).until(lambda d: not panel.is_displayed())

    # Readable on a phone: nothing wider than the screen.
    browser.set_window_size(390, 844)
    browser.get(f"{server.base}/a/{summary.id}")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(browser, tmp_path, "phone")


def test_hostile_article_runs_nothing(server: Server, browser: Any, tmp_path: Path) -> None:
    analysis_id = submit_form(browser, server.base, HOSTILE)
    for page in (f"/a/{analysis_id}", "/"):
        if page != f"/a/{analysis_id}":
            browser.get(server.base + page)
        assert no_alert(browser)
        assert browser.execute_script("return typeof window.pwned") == "undefined"
        assert browser.title != "pwned"  # the injected document.title=... never ran
        scripts = browser.execute_script("return Array.from(document.scripts).map(s => s.getAttribute('src'))")
        assert scripts == ["/static/app.js"]
        injected = browser.execute_script(
            "return document.querySelectorAll('main img, main svg:not(.bar):not(.meter), main iframe').length"
        )
        assert injected == 0
        handlers = browser.execute_script(
            "return Array.from(document.querySelectorAll('*')).filter("
            "e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length"
        )
        assert handlers == 0
    browser.get(f"{server.base}/a/{analysis_id}")
    text = browser.execute_script("return document.getElementById('article-text').textContent")
    assert "<script>document.title='pwned'</script>" in text
    assert 'onerror="window.pwned=2"' in text
    assert "<script>" in browser.find_element(By.ID, "headline").text
    time.sleep(0.5)  # give anything that might run a moment to do so
    assert no_alert(browser)
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    screenshot(browser, tmp_path, "hostile-article")


@pytest.mark.parametrize("ci", ["true", "false", ""])
def test_a_missing_browser_fails_everywhere(monkeypatch: pytest.MonkeyPatch, ci: str) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="not installed: run `make browser`"):
        _need("factsift-no-such-browser", "/nonexistent/chromium")
