"""Retrieval (BM25 alone and hybrid), the stage, its rendering and the ClaimReview export."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from factsift import analyse
from factsift.cli import main
from factsift.cli.render import print_report
from factsift.factchecks.importer import import_files
from factsift.factchecks.search import search
from factsift.model import Claim, FactCheckMatch, Span

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "examples" / "seed-article.txt"

RUSSIA_URL = "https://factcheck.example.org/2017/russia-us-joint-isis-strikes"
SEED_ALLY_SENTENCE = (
    "For the first time in decades, the United States and Russia are working together as military allies, "
    "teaming to attack and destroy ISIS strongholds in Syria and Iraq"
)
MODES = ["bm25", "hybrid"]


@pytest.fixture
def store(fixtures: Path, db: Path) -> Path:
    import_files([fixtures / "feed.json", fixtures / "reviews.csv"], db=db, embeddings=False)
    return db


def _embeddings(mode: str, request: pytest.FixtureRequest) -> bool:
    if mode == "hybrid":
        request.getfixturevalue("encoder")
        return True
    return False


@pytest.mark.parametrize("mode", MODES)
def test_search_returns_the_fixed_keys_best_first(store: Path, mode: str, request: pytest.FixtureRequest) -> None:
    hits = search(
        "Did the Great Wall of China show up from the Moon?", k=3, db=store, embeddings=_embeddings(mode, request)
    )
    assert hits, "expected hits"
    assert {"id", "score", "claim_reviewed", "verdict", "url", "publisher", "date"} <= set(hits[0])
    assert hits[0]["url"].endswith("great-wall-moon")
    assert hits[0]["verdict"] == "false"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert 0.0 <= hits[-1]["score"] <= hits[0]["score"] <= 1.0


@pytest.mark.parametrize("mode", MODES)
def test_seed_claim_retrieves_the_review_at_rank_1(store: Path, mode: str, request: pytest.FixtureRequest) -> None:
    hits = search(SEED_ALLY_SENTENCE, k=5, db=store, embeddings=_embeddings(mode, request))
    assert hits[0]["url"] == RUSSIA_URL
    assert hits[0]["above_threshold"]


@pytest.mark.parametrize("mode", MODES)
def test_unrelated_text_shows_nothing_above_threshold(store: Path, mode: str, request: pytest.FixtureRequest) -> None:
    hits = search(
        "The orchestra rehearsed the second symphony on Tuesday evening.",
        db=store,
        embeddings=_embeddings(mode, request),
    )
    assert not any(h["above_threshold"] for h in hits)


def test_search_on_a_missing_store_is_empty(tmp_path: Path) -> None:
    assert search("anything", db=tmp_path / "none.db") == []


@pytest.mark.parametrize("mode", MODES)
def test_seed_article_matches_the_russia_review_first(store: Path, mode: str, request: pytest.FixtureRequest) -> None:
    report = analyse(str(SEED), db=store, embeddings=_embeddings(mode, request))
    assert "factchecks" in report.stages
    assert report.factchecks, "the seed article should match the fixture review"

    def query_text(match: FactCheckMatch) -> str:
        if match.basis == "claim":
            return report.claims[match.claim_index].text
        return report.article.sentences[match.claim_index].text

    # The fixture review is matched to a claim of the seed article that states the alliance.
    best = next(m for m in report.factchecks if m.url == RUSSIA_URL)
    # (the headline, scored as a claim, states it first: "Trump Taps Putin As Stealth Military Ally; ...")
    assert "Russia" in query_text(best) and (
        "military all" in query_text(best).lower() or "working together" in query_text(best)
    )
    assert best.verdict == "false" and best.rating_text == "False"
    assert best.claimant == "True Pundit" and best.date == "2017-01-24"
    if report.claims:
        assert best.basis == "claim"
        assert report.claims[best.claim_index].sentence_id == best.sentence_id
    else:
        assert best.basis == "sentence"
        assert report.article.sentences[best.claim_index].id == best.sentence_id
    first_per_query = {}
    for match in report.factchecks:  # sorted by claim, then score
        first_per_query.setdefault((match.basis, match.claim_index), match)
    assert any(m.url == RUSSIA_URL for m in first_per_query.values())


def test_claim_index_points_into_report_claims(store: Path) -> None:
    report = analyse(text="Allies\n\nThe weather was mild. " + SEED_ALLY_SENTENCE + ".", db=store, embeddings=False)
    sentence = next(s for s in report.article.sentences if "Russia" in s.text)
    report.claims = [
        Claim(sentence_id=0, text="The weather was mild.", span=Span(0, 5, "x"), checkworthiness=0.1),
        Claim(
            sentence_id=sentence.id,
            text=sentence.text,
            span=Span(sentence.start, sentence.end, sentence.text),
            checkworthiness=0.9,
        ),
    ]
    report.factchecks = []
    from factsift.analyser import Analyser
    from factsift.config import FactchecksConfig
    from factsift.factchecks.stage import match_factchecks

    report = match_factchecks(report, Analyser().context(FactchecksConfig(db=store, embeddings=False)))
    assert report.factchecks[0].claim_index == 1 and report.factchecks[0].basis == "claim"
    assert report.factchecks[0].url == RUSSIA_URL


def test_dates_weigh_the_evidence(store: Path) -> None:
    """The match probability is about the claim; a review that came after the article weighs less as evidence."""
    from factsift.scoring.features import match_evidence

    text = "Allies\n\n" + SEED_ALLY_SENTENCE + "."
    early = analyse(text=text, db=store, embeddings=False)
    early.article.published = None
    from factsift.analyser import Analyser
    from factsift.config import FactchecksConfig
    from factsift.factchecks.stage import match_factchecks

    def run(published: str | None) -> tuple[float, bool | None]:
        early.article.published = published
        early.factchecks = []
        match = next(
            m
            for m in match_factchecks(
                early, Analyser().context(FactchecksConfig(db=store, embeddings=False))
            ).factchecks
            if m.url == RUSSIA_URL
        )
        return match_evidence(match), match.before_article

    checked_first_score, checked_first = run("2017-03-01")  # the article ran after the fact-check
    checked_later_score, checked_later = run("2017-01-20")  # the fact-check came after the article
    unknown_score, unknown = run(None)
    assert (checked_first, checked_later, unknown) == (True, False, None)
    assert checked_later_score < checked_first_score == unknown_score


def test_no_store_means_no_matches_and_no_file(tmp_path: Path) -> None:
    report = analyse(text="Allies\n\n" + SEED_ALLY_SENTENCE + ".", db=tmp_path / "absent.db")
    assert report.factchecks == []
    assert not (tmp_path / "absent.db").exists()


def test_render_shows_verdict_dates_and_keeps_markup_verbatim(store: Path, tmp_path: Path) -> None:
    feed = {
        "@type": "ClaimReview",
        "claimReviewed": "[bold]The United States and Russia[/bold] are working together as military allies to attack "
        "and destroy ISIS strongholds in Syria and Iraq [/x]",
        "reviewRating": {"alternateName": "False [red]"},
        "author": {"name": "Markup [link] Checkers"},
        "url": "https://markup.example.org/a",
        "datePublished": "2017-01-25",
    }
    (tmp_path / "m.json").write_text(json.dumps(feed))
    import_files([tmp_path / "m.json"], db=store, embeddings=False)
    report = analyse(text="Allies\n\n" + SEED_ALLY_SENTENCE + ".", db=store, embeddings=False)
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, width=200, color_system=None))
    out = buffer.getvalue()
    assert "Known fact-checks" in out
    assert "FALSE (False [red])" in out
    assert "fact-checked 2017-01-25" in out
    assert "[bold]The United States and Russia[/bold]" in out and "[/x]" in out and "Markup [link] Checkers" in out


def test_check_format_claimreview_exports_the_matches(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Allies\n\n" + SEED_ALLY_SENTENCE + ".\n")
    assert main(["check", str(article), "--db", str(store), "--format", "claimreview"]) == 0
    document = json.loads(capsys.readouterr().out)
    nodes = document["@graph"]
    assert document["@context"] == "https://schema.org"
    assert nodes[0]["@type"] == "ClaimReview" and nodes[0]["url"] == RUSSIA_URL
    assert nodes[0]["reviewRating"]["alternateName"] == "False"
    exported = tmp_path / "export.json"
    exported.write_text(json.dumps(document))
    again = import_files([exported], db=store, embeddings=False)
    assert again.added == 0 and again.skipped == 0  # the export round-trips onto the same records


def test_search_cli_json(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "factchecks",
                "search",
                "lemon water cures diabetes",
                "--k",
                "2",
                "--db",
                str(store),
                "--format",
                "json",
                "--embeddings",
                "off",
            ]
        )
        == 0
    )
    hits = json.loads(capsys.readouterr().out)
    assert 1 <= len(hits) <= 2 and hits[0]["url"].endswith("lemon-water-diabetes")
    assert main(["factchecks", "search", "lemon water", "--db", str(store), "--embeddings", "off"]) == 0
    assert "lemon" in capsys.readouterr().out.lower()


def test_hybrid_import_stores_embeddings(fixtures: Path, db: Path, encoder: object) -> None:
    summary = import_files([fixtures / "feed.json"], db=db)
    assert summary.embedded == 14
    again = import_files([fixtures / "feed.json"], db=db)
    assert again.embedded == 0 and again.unchanged == 14


def test_a_named_model_folder_that_is_not_one_is_refused(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["factchecks", "search", "x", "--db", str(store), "--embeddings", str(tmp_path)]) == 2
    assert "not a local sentence-transformers model folder" in capsys.readouterr().err


def test_without_the_extra_bm25_alone_still_works(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from factsift.factchecks import embeddings

    monkeypatch.setattr(embeddings, "bundled_model_dir", lambda: None)
    monkeypatch.setattr(embeddings, "load_bundled", embeddings.load_bundled.__wrapped__)
    assert embeddings.resolve_encoder(True) is None
    hits = search(SEED_ALLY_SENTENCE, db=store)  # default setting: the installed model, here none
    assert hits[0]["url"] == RUSSIA_URL
    report = analyse(text="Allies\n\n" + SEED_ALLY_SENTENCE + ".", db=store)
    assert report.factchecks[0].url == RUSSIA_URL
