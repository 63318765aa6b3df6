"""Rating outlets from the shipped table: the issue's done-when cases and the labelling rules."""

from __future__ import annotations

import json

import pytest

from factsift.model import SourceRating
from factsift.sources import RELIABLE_AT, UNRELIABLE_BELOW, label_for, rate
from factsift.sources.domains import parse_host
from factsift.sources.lookup import rate_host
from factsift.sources.table import IFFY_CITATION, LIN_CITATION, OUTLETS_FILE, shipped_table


def _rater(rating: SourceRating, prefix: str) -> object:
    return next(r.value for r in rating.raters if r.name.startswith(prefix))


def test_truepundit_is_unreliable_with_its_raters() -> None:
    rating = rate("truepundit.com")
    assert rating.domain == "truepundit.com"
    assert rating.name == "True Pundit"
    assert rating.label == "unreliable"
    assert rating.score is not None and rating.score < UNRELIABLE_BELOW
    assert {r.name for r in rating.raters} == {"Lin et al. 2023 (pc1)", "Iffy+ (2021)"}
    assert _rater(rating, "Lin") == rating.score
    assert _rater(rating, "Iffy+") == "listed"
    assert rating.percentile is not None and rating.percentile < 5
    assert rating.provenance == [LIN_CITATION, IFFY_CITATION]
    assert "10.1093/pnasnexus/pgad286" in rating.provenance[0]
    assert rating.table == "shipped"


def test_nytimes_article_url_resolves_to_the_new_york_times() -> None:
    rating = rate("https://www.nytimes.com/2017/01/20/us/politics/x.html")
    assert (rating.domain, rating.name, rating.label) == ("nytimes.com", "The New York Times", "reliable")
    assert rating.percentile is not None and rating.percentile > 90
    assert rating.provenance


def test_edition_cnn_resolves_to_cnn() -> None:
    rating = rate("edition.cnn.com")
    assert (rating.domain, rating.name, rating.matched_by) == ("cnn.com", "CNN", "alias")
    assert rating.label in ("reliable", "mixed")
    assert rating.score == rate("cnn.com").score
    assert rating.note and "edition.cnn.com" in rating.note


def test_bbc_article_path_resolves_to_the_bbc() -> None:
    rating = rate("bbc.co.uk/news/world-europe-38123456")
    assert (rating.domain, rating.name, rating.label) == ("bbc.co.uk", "BBC", "reliable")
    assert rate("https://www.bbc.com/news/x").name == "BBC"


def test_unknown_domain_is_unrated_never_guessed() -> None:
    rating = rate("example-unknown-news.com")
    assert rating.label == "unrated"
    assert (rating.score, rating.percentile, rating.raters, rating.matched_by) == (None, None, [], None)
    assert rating.domain == "example-unknown-news.com"
    assert rating.provenance  # the table was consulted, so it is cited


def test_subdomain_of_unknown_is_reported_by_registrable_domain() -> None:
    assert rate("https://news.example-unknown-news.co.uk/a").domain == "example-unknown-news.co.uk"


def test_most_specific_row_wins_for_outlets_on_shared_hosts() -> None:
    table = shipped_table()
    blog = "understandrealitythroughscience.blogspot.com"
    assert rate(blog).domain == blog
    assert rate(blog).score == table.entries[blog].score != table.entries["blogspot.com"].score
    channel = rate("https://www.youtube.com/nextnewsnetwork/videos")
    assert (channel.domain, channel.matched_by) == ("youtube.com/nextnewsnetwork", "path")
    assert rate("https://www.youtube.com/watch?v=abc").domain == "youtube.com"
    assert rate("news.yahoo.com").domain == "news.yahoo.com"
    assert rate("some-other.yahoo.com").domain == "yahoo.com"


def test_iffy_only_domain_is_unreliable_without_a_score() -> None:
    rating = rate("conservativefrontline.com")
    assert rating.label == "unreliable"
    assert rating.score is None and rating.percentile is None
    assert [r.name for r in rating.raters] == ["Iffy+ (2021)"]
    assert rating.note and "only by Iffy+" in rating.note


def test_disagreeing_raters_are_noted() -> None:
    table = shipped_table()
    entry = next(e for e in table.entries.values() if e.iffy and e.score is not None and e.score >= RELIABLE_AT)
    rating = rate_host(table, parse_host(entry.domain))
    assert rating.label == "reliable"
    assert rating.note and "disagree" in rating.note


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (0.0, "unreliable"),
        (0.3999, "unreliable"),
        (0.4, "mixed"),
        (0.5999, "mixed"),
        (0.6, "reliable"),
        (1.0, "reliable"),
    ],
)
def test_thresholds(score: float, label: str) -> None:
    assert label_for(score) == label


def test_percentile_is_monotonic_and_bounded() -> None:
    table = shipped_table()
    values = [table.percentile(x / 20) for x in range(21)]
    assert values == sorted(values)
    assert values[0] == 0.0 and values[-1] <= 100.0
    assert table.percentile(1.0) > 99


def test_every_curated_outlet_and_alias_target_is_rated() -> None:
    curated = json.loads(OUTLETS_FILE.read_text(encoding="utf-8"))
    table = shipped_table()
    for domain, info in curated.items():
        if domain.startswith("_"):
            continue
        assert domain in table.entries, domain
        for alias in info["aliases"]:
            assert alias not in table.entries or alias == "edition.cnn.com", alias
            assert rate(alias).domain == domain


def test_shipped_table_is_large_and_scores_are_in_range() -> None:
    table = shipped_table()
    assert len(table.entries) > 11_000
    assert all(0.0 <= s <= 1.0 for s in table.scores)
    assert sum(e.iffy for e in table.entries.values()) > 700
