"""Ingest throughput: pages per second for extraction + cleaning + sentence splitting.

Generates N WordPress-style HTML pages of 20–200 KB (navigation, inline scripts and styles,
sidebars, share widgets, shortcodes, comment threads, footers around a body of 6–40
paragraphs), then times ``factsift.ingest.stage.ingest(html=...)`` on one core.

    python bench/ingest.py [--pages 500] [--seed 7]

Target: >= 50 pages/s on one core.  Writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from factsift.ingest.stage import ingest
from factsift.options import Options

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
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
    result = {
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
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / "ingest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
