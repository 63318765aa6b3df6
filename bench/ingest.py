"""Ingest throughput and extraction quality, on generated pages and on real ones.

Generated: N WordPress-style HTML pages of 20–200 KB (navigation, inline scripts and styles,
sidebars, share widgets, shortcodes, comment threads, footers around a body of 6–40
paragraphs), timed through ``factsift.ingest.stage.ingest(html=...)`` on one core.

Real: the 130 test pages of Mozilla's Readability.js (``../shared/data/pages/readability_testpages/``,
each with the article text its maintainers expect).  In one run, on one thread, each of these is
measured on every page: plain ``trafilatura.extract`` (the reference), factsift's ingest, the full
analysis and the ``--fast`` analysis.  Quality is the word-shingle F1 of the extracted body against
the expected article text (4-word shingles, counted with multiplicity, averaged over pages: the
measure of public extraction benchmarks); speed is pages per CPU-second and its ratio to
``trafilatura.extract`` measured in the same run.  The furniture the cleaner removed is checked
against the expected text too: ``removed_prose`` counts removed newsletter and footer lines that
are sentences of the expected article.  Metadata: the date against the 33 expected publication dates
and against the dates read by hand on the 72 pages whose tags give none
(``bench/data/real_page_dates.json``: right, wrong, missed), and the author against the 76 expected
bylines (right: every word of the author found is in the byline).  Then one more pass gives the CPU
milliseconds per real page of each stage, in the full and the ``--fast`` analysis.

    python bench/ingest.py [--pages 500] [--seed 7] [--real DIR] [--rounds 2] [--out FILE]

Target: >= 50 generated pages/s on one core; full analysis >= 1x trafilatura.extract on the real
pages, --fast >= 2x.  Writes bench/results/ingest.json.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import lxml.html
import trafilatura

import factsift
from factsift.config import config_at_edge
from factsift.context import Context
from factsift.errors import InputError
from factsift.ingest.stage import ingest
from factsift.options import Options
from factsift.pipeline import SHARED_MODELS, registered_stages

REAL_PAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "pages" / "readability_testpages"
DATE_LABELS = Path(__file__).resolve().parent / "data" / "real_page_dates.json"
SHINGLE = 4
_TOKEN = re.compile(r"\w+")

WORDS = (
    "council harbour budget minister report officials said week river bridge plan vote members committee "
    "police station hospital school teachers company shares market price rose fell percent million year "
    "government agency court judge ruling appeal election campaign voters district mayor residents water "
    "road repairs train service delays weather storm coast farmers harvest energy prices workers union strike"
).split()
NAMES = ["Mara Quill", "Tobias Renn", "Ada Voss", "Niko Sarris", "Lena Okafor", "Piet Hallam"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 28))]
    if rng.random() < 0.3:
        words.insert(rng.randint(0, len(words)), f"{rng.randint(2, 900)}")
    if rng.random() < 0.2:
        words.insert(0, rng.choice(["U.S.", "Sen.", "Dr.", "The"]))
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    if rng.random() < 0.3:
        text += f", {rng.choice(NAMES)} said"
    return text + rng.choice([".", ".", ".", "?", "!"])


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def page(rng: random.Random, target_kb: int) -> str:
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).title()
    body = "".join(f"<p>{paragraph(rng)}</p>\n" for _ in range(rng.randint(6, 40)))
    body = body.replace("</p>\n", '</p>\n<p>[ditty_news_ticker id="1"]</p>\n', 1)
    nav = "".join(f'<li><a href="/c/{w}">{w.title()}</a></li>' for w in rng.sample(WORDS, 30))
    head = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{title} - Harbour Gazette</title><meta property='og:site_name' content='Harbour Gazette'>",
        f"<meta name='author' content='{rng.choice(NAMES)}'>",
        f"<meta property='article:published_time' content='2023-05-0{rng.randint(1, 9)}T10:00:00Z'>",
        "<style>" + "".join(f".c{i}{{margin:{i}px;padding:{i % 7}px}}" for i in range(200)) + "</style>",
        "</head><body>",
        f"<header><div class='site-title'>Harbour Gazette</div><nav><ul>{nav}</ul></nav></header>",
        f"<main><article><h1>{title}</h1>",
        "<div class='share'><a>Share this:</a><a>Facebook</a><a>Twitter</a></div>",
        f"<div class='entry-content'>{body}</div>",
        "<p>Follow on FacebookFollow on Twitter</p></article>",
    ]
    parts = list(head)
    comment = 0
    while sum(len(p) for p in parts) < target_kb * 1024:
        comment += 1
        if comment % 3:
            parts.append(
                f"<div class='comment' id='c{comment}'><span class='author'>{rng.choice(NAMES)}</span>"
                f"<p>{paragraph(rng)}</p></div>"
            )
        else:
            parts.append(
                "<script>var x" + str(comment) + "=" + json.dumps([rng.random() for _ in range(60)]) + ";</script>"
            )
    parts.append("<aside><h3>Related Posts</h3><ul>" + nav + "</ul></aside></main>")
    parts.append("<footer>© 2023 Harbour Gazette. All rights reserved.</footer></body></html>")
    return "".join(parts)


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The text's 4-word shingles (lower case), with their counts."""
    words = _TOKEN.findall(text.lower())
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(max(0, len(words) - SHINGLE + 1)))


def shingle_f1(found: str, expected: str) -> float:
    """F1 of the found text's shingles against the expected text's (0 when either is empty)."""
    got, want = shingles(found), shingles(expected)
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


class RealPage(NamedTuple):
    """One real test page: its HTML and what its maintainers (or our hand labels) expect of it."""

    name: str
    html: str
    expected: str
    title: str
    published: str | None
    byline: str | None


def load_real_pages(folder: Path) -> list[RealPage]:
    """Every test page in ``folder`` with its expected article text, headline, date and byline."""
    pages = []
    for page in sorted(p for p in folder.iterdir() if (p / "source.html").is_file()):
        expected = lxml.html.fromstring((page / "expected.html").read_bytes()).text_content()
        metadata = json.loads((page / "expected-metadata.json").read_text("utf-8"))
        pages.append(
            RealPage(
                name=page.name,
                html=(page / "source.html").read_text("utf-8", "replace"),
                expected=expected,
                title=metadata.get("title") or "",
                published=(metadata.get("publishedTime") or "")[:10] or None,
                byline=metadata.get("byline") or None,
            )
        )
    return pages


def same_title(found: str | None, expected: str) -> bool:
    """Whether two headlines have the same words (case, spacing and punctuation aside)."""
    return _TOKEN.findall((found or "").lower()) == _TOKEN.findall(expected.lower())


class Extraction(NamedTuple):
    """What one extractor found on a page."""

    text: str
    removed: list[str]
    title: str | None
    published: str | None = None
    author: str | None = None


def factsift_text(**options: object) -> Callable[[str], Extraction]:
    """A page analysed by factsift (``options`` as for ``analyse``): body, headline, date, author."""

    def run(html: str) -> Extraction:
        try:
            article = factsift.analyse(html=html, **options).article
        except InputError:
            return Extraction("", [], None)
        removed = [r.text for r in article.removed if r.kind in {"newsletter", "footer"}]
        return Extraction(article.text, removed, article.title, article.published, article.author)

    return run


def trafilatura_text(html: str) -> Extraction:
    """Plain ``trafilatura.extract`` with its default settings (no metadata)."""
    return Extraction(trafilatura.extract(html) or "", [], None)


def metadata_accuracy(pages: list[RealPage], outputs: list[Extraction]) -> dict[str, object]:
    """Dates against the expected and the hand-labelled ones; authors against the expected bylines."""
    labels: dict[str, str | None] = json.loads(DATE_LABELS.read_text("utf-8"))["dates"]
    pairs = list(zip(pages, outputs, strict=True))
    expected = [(page, out) for page, out in pairs if page.published]
    labelled = [(labels[page.name], out.published) for page, out in pairs if page.name in labels]
    bylines = [(page.byline or "", out.author) for page, out in pairs if page.byline]

    def author_right(found: str | None, byline: str) -> bool:
        words = set(_TOKEN.findall((found or "").lower())) - {"by"}
        return bool(words) and words <= set(_TOKEN.findall(byline.lower()))

    return {
        "date_expected_right": f"{sum(out.published == page.published for page, out in expected)}/{len(expected)}",
        "date_labelled_right_wrong_missed": [
            sum(1 for want, got in labelled if got and got == want),
            sum(1 for want, got in labelled if got and got != want),
            sum(1 for want, got in labelled if want and not got),
        ],
        "date_labelled_pages": f"{len(labelled)} ({sum(1 for want, _ in labelled if want)} dated)",
        "author_expected_right": f"{sum(author_right(found, byline) for byline, found in bylines)}/{len(bylines)}",
    }


def stage_cpu_ms(pages: list[RealPage], *, fast: bool) -> dict[str, float]:
    """CPU milliseconds per page of ingest and of each later stage, run as ``analyse`` runs them (one pass)."""
    config = config_at_edge(fast=fast)
    stages = registered_stages()
    spent: dict[str, float] = {}
    for page in pages:
        started = time.process_time()
        try:
            report = ingest(html=page.html, options=config.options)
        except InputError:
            continue
        spent["ingest"] = spent.get("ingest", 0.0) + time.process_time() - started
        for name, fn in stages.items():
            started = time.process_time()
            report = fn(report, Context(config.section(name), SHARED_MODELS))
            spent[name] = spent.get(name, 0.0) + time.process_time() - started
    per_page = {name: round(1000 * seconds / len(pages), 2) for name, seconds in spent.items()}
    per_page["total"] = round(sum(per_page.values()), 2)
    return per_page


def measure_real(folder: Path, rounds: int) -> dict[str, object]:
    """Quality and CPU speed of each extractor on the real pages, ratios to trafilatura.extract."""
    pages = load_real_pages(folder)
    runners: dict[str, Callable[[str], Extraction]] = {
        "trafilatura.extract": trafilatura_text,
        "factsift ingest": factsift_text(stages=()),
        "factsift full analysis": factsift_text(),
        "factsift --fast analysis": factsift_text(fast=True),
    }
    for run in runners.values():  # warm imports, models and caches
        run(pages[0].html)
    results: dict[str, dict[str, object]] = {}
    for name, run in runners.items():
        best = float("inf")
        for _ in range(rounds):  # the fastest round counts: others on the machine only ever slow a round down
            outputs = []
            started = time.process_time()
            for page in pages:
                outputs.append(run(page.html))
            best = min(best, time.process_time() - started)
        f1 = [shingle_f1(out.text, page.expected) for out, page in zip(outputs, pages, strict=True)]
        expected_words = [set(_TOKEN.findall(page.expected.lower())) for page in pages]
        removed_prose = sum(
            1
            for out, words in zip(outputs, expected_words, strict=True)
            for line in out.removed
            if len(line.split()) >= 8 and set(_TOKEN.findall(line.lower())) <= words
        )
        titles = [same_title(out.title, page.title) for out, page in zip(outputs, pages, strict=True)]
        results[name] = {
            "f1_mean": round(statistics.mean(f1), 4),
            "f1_median": round(statistics.median(f1), 4),
            "empty_pages": sum(1 for out in outputs if not out.text.strip()),
            "title_same": round(sum(titles) / len(titles), 3),
            "pages_per_cpu_second": round(len(pages) / best, 1),
            "removed_newsletter_footer": sum(len(out.removed) for out in outputs),
            "removed_prose": removed_prose,
        }
        if name != "trafilatura.extract":
            results[name].update(metadata_accuracy(pages, outputs))
    reference = float(str(results["trafilatura.extract"]["pages_per_cpu_second"]))
    for values in results.values():
        values["speed_vs_trafilatura_extract"] = round(float(str(values["pages_per_cpu_second"])) / reference, 2)
    stage_ms = {
        "trafilatura.extract": round(1000 / reference, 2),
        "full": stage_cpu_ms(pages, fast=False),
        "fast": stage_cpu_ms(pages, fast=True),
    }
    mean_kb = statistics.mean(len(page.html.encode()) / 1024 for page in pages)
    return {
        "folder": folder.name,
        "pages": len(pages),
        "mean_page_kb": round(mean_kb, 1),
        "results": results,
        "cpu_ms_per_page_by_stage": stage_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--real", type=Path, default=REAL_PAGES, help="folder of real test pages")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the real pages per extractor")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "ingest.json")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pages = [page(rng, rng.randint(20, 200)) for _ in range(args.pages)]
    sizes = [len(p.encode()) / 1024 for p in pages]
    options = Options()
    ingest(html=pages[0], options=options)  # warm up imports and caches
    per_page: list[float] = []
    sentences = 0
    started = time.perf_counter()
    for html in pages:
        t0 = time.perf_counter()
        report = ingest(html=html, options=options)
        per_page.append(time.perf_counter() - t0)
        sentences += len(report.article.sentences)
    elapsed = time.perf_counter() - started
    generated = {
        "pages": len(pages),
        "mean_page_kb": round(statistics.mean(sizes), 1),
        "min_page_kb": round(min(sizes), 1),
        "max_page_kb": round(max(sizes), 1),
        "seconds": round(elapsed, 3),
        "pages_per_second": round(len(pages) / elapsed, 1),
        "p50_ms": round(statistics.median(per_page) * 1000, 2),
        "p95_ms": round(sorted(per_page)[int(0.95 * len(per_page))] * 1000, 2),
        "sentences": sentences,
        "target_pages_per_second": 50,
    }
    result = {"generated": generated, "real": measure_real(args.real, args.rounds)}
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
