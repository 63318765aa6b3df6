"""Issue 24 on the fact-check side: matches are calibrated decisions that know "not", verdicts show only where
they apply, reviews of one claim form one group, and the demo names one review throughout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factsift import analyse
from factsift.factchecks.groups import group_reviews, same_claim
from factsift.factchecks.importer import import_files
from factsift.factchecks.records import Review
from factsift.factchecks.search import search

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / ".." / "shared" / "examples" / "seed-article.txt"
RUSSIA_CLAIM = (
    "Russia has become a military ally of the United States under President Trump, with the Russian air force "
    "joining U.S. strikes on ISIS"
)
DEBUNK = (
    "Do vaccines cause autism? No.\n\n"
    "A study of 657,461 Danish children, published in the Annals of Internal Medicine in March 2019 by Anders "
    "Hviid and colleagues at the Statens Serum Institut, found that children who received the MMR vaccine were no "
    "more likely to be diagnosed with autism than children who did not. The claim that vaccines cause autism "
    "goes back to a 1998 paper that The Lancet retracted in 2010 after its data were shown to be falsified. "
    "Reviews by the World Health Organization and the US Centers for Disease Control and Prevention reached the "
    "same conclusion: vaccines do not cause autism."
)


def review(claim: str, verdict: str, publisher: str, url: str, rating: str | None = None) -> dict[str, object]:
    """A ClaimReview record as a publisher's feed gives it."""
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim,
        "datePublished": "2019-01-24",
        "author": {"@type": "Organization", "name": publisher},
        "reviewRating": {"@type": "Rating", "alternateName": rating or verdict},
    }


@pytest.fixture
def trust_store(tmp_path: Path, db: Path, encoder: object) -> Path:
    """The demo's sample feed plus the issue's reviews: the seed's claim (false, and a mostly-true review of
    another claim on the seed's subject) and "Vaccines cause autism" rated false by two publishers."""
    feed = tmp_path / "issue.json"
    records = [
        review(RUSSIA_CLAIM, "False", "Example Checks", "https://checks.example/russia-ally"),
        review(
            "U.S. forces carried out air strikes on ISIS targets in Raqqa in January 2017.",
            "Mostly true",
            "Other Checks",
            "https://other.example/raqqa",
        ),
        review("Vaccines cause autism", "False", "Example Checks", "https://checks.example/vaccines-autism"),
        review("Vaccines cause autism.", "Pants on Fire", "Second Desk", "https://second.example/vaccines", "False"),
    ]
    feed.write_text(json.dumps(records))
    import_files([ROOT / "examples" / "sample-factchecks.json", feed], db=db)
    return db


def test_an_unrelated_sentence_gets_no_verdict(trust_store: Path) -> None:
    groups = search("The weather in Paris was sunny in 2023.", k=5, db=trust_store)
    assert groups and not any(g["above_threshold"] or g["shown"] for g in groups)
    report = analyse(text="The weather in Paris was sunny in 2023, the city's records show.", db=trust_store)
    assert not any(m.shown for m in report.factchecks)


def test_a_negated_claim_gets_its_stance_not_the_false_verdict(trust_store: Path) -> None:
    top = search("Vaccines do not cause autism.", k=3, db=trust_store)[0]
    assert top["claim_reviewed"].startswith("Vaccines cause autism")
    assert top["above_threshold"]  # it is the reviewed claim ...
    assert top["stance"]["label"] == "disagree" and not top["shown"]  # ... which the text refutes
    assert len(top["reviews"]) == 2 and top["consensus"] == "false"  # one group, every review kept
    assert top["publishers"] in (
        "rated false by Example Checks and Second Desk",
        "rated false by Second Desk and Example Checks",
    )


def test_an_article_debunking_a_false_claim_is_not_accused(trust_store: Path) -> None:
    report = analyse(text=DEBUNK, db=trust_store)
    vaccine = [m for m in report.factchecks if "autism" in m.claim_reviewed]
    assert vaccine, "the debunked claim should be matched"
    assert all(not m.shown and m.stance is not None and m.stance.label == "disagree" for m in vaccine)
    assert report.risk is not None
    row = next(c for c in report.risk.contributions if c.evidence == "fact-checks")
    assert row.effect < 0 and "refutes it" in str(row.value)


def test_the_seed_with_its_fact_check_is_high_risk_and_names_it(trust_store: Path) -> None:
    report = analyse(str(SEED), db=trust_store)
    assert report.risk is not None and report.risk.label == "high"
    top = report.risk.contributions[0]
    assert top.evidence == "fact-checks" and RUSSIA_CLAIM in str(top.value)
    assert report.risk.summary is not None and RUSSIA_CLAIM in report.risk.summary
    reviews = {m.review_id for m in report.factchecks if m.claim_reviewed == RUSSIA_CLAIM}
    assert len(reviews) == 1
    shown = [m for m in report.factchecks if m.claim_reviewed == RUSSIA_CLAIM and m.shown]
    assert shown and len(shown) <= 3, "one review is attached to the claims that state it, not to every claim"


def test_the_demo_summary_and_top_row_name_the_same_review(db: Path, encoder: object) -> None:
    import_files([ROOT / "examples" / "sample-factchecks.json"], db=db)
    report = analyse(str(ROOT / "examples" / "sample-article.html"), db=db)
    assert report.risk is not None and report.risk.summary is not None
    fact_rows = [c for c in report.risk.contributions if c.evidence == "fact-checks"]
    for match in report.factchecks:
        named_in_summary = match.claim_reviewed in report.risk.summary
        named_in_top_row = bool(fact_rows) and match.claim_reviewed in str(fact_rows[0].value)
        if named_in_summary:
            assert named_in_top_row and report.risk.contributions[0] is fact_rows[0]
    for entry in report.to_dict()["factchecks"]:
        assert {"probability", "stance", "shown"} <= set(entry)


def _review(rid: str, claim: str, verdict: str, publisher: str) -> Review:
    return Review(id=rid, claim_reviewed=claim, verdict=verdict, publisher=publisher)  # type: ignore[arg-type]


def test_reviews_of_one_claim_form_one_group_with_consensus_or_disagreement() -> None:
    reviews = [
        _review("a", "Vaccines cause autism.", "false", "PolitiFact"),
        _review("b", "vaccines CAUSE autism", "false", "Snopes"),
        _review("c", "Claim: vaccines cause autism in children", "false", "AFP"),
        _review("d", "Harbour ferry fares doubled in 2023.", "mostly-true", "Desk"),
        _review("e", "Harbour ferry fares doubled in 2022.", "false", "Desk"),
        _review("f", "Harbour ferry fares doubled in 2023", "false", "Other"),
    ]
    groups = group_reviews(reviews)
    assert [[r.id for r in g.reviews] for g in groups] == [["a", "b", "c"], ["d", "f"], ["e"]]
    assert groups[0].consensus == "false" and groups[0].summary() == "rated false by PolitiFact, Snopes and AFP"
    assert groups[1].consensus is None and groups[1].disagreement
    assert groups[1].summary() == "publishers disagree: rated mostly-true by Desk; rated false by Other"
    assert not same_claim(reviews[0], reviews[3])
    assert not same_claim(reviews[0], _review("g", "Vaccines do not cause autism.", "true", "Desk"))
