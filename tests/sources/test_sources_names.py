"""Finding the outlet's domain from the name an article calls itself by."""

from __future__ import annotations

from pathlib import Path

import pytest

import factsift
from factsift.model import Article, InputInfo, Outlet, Report
from factsift.sources.keys import name_key
from factsift.sources.names import domain_for_name
from factsift.sources.outlet import rate_outlet
from factsift.sources.table import ratings_table, shipped_table

SEED = Path(__file__).resolve().parents[3] / "shared" / "examples" / "seed-article.txt"


def test_seed_text_without_url_gets_truepundit() -> None:
    report = factsift.analyse(str(SEED))
    assert report.input.url is None
    assert report.article.outlet.found_in == "text"
    assert "sources" in report.stages
    source = report.source
    assert source is not None
    assert (source.domain, source.label, source.matched_by) == ("truepundit.com", "unreliable", "text")
    assert source.note and "True Pundit" in source.note
    assert source.raters and source.provenance


def test_own_text_self_references_find_the_outlet() -> None:
    text = (
        "Headline About A Bridge\n\n"
        "The bridge closed on Monday, engineers who spoke to The Gateway Pundit said.\n\n"
        "The repairs were late, as The Gateway Pundit reported last week. The city did not comment.\n"
    )
    report = factsift.analyse(text=text)
    assert report.source is not None
    assert (report.source.domain, report.source.matched_by) == ("thegatewaypundit.com", "text")


@pytest.mark.parametrize(
    ("name", "domain"),
    [
        ("True Pundit", "truepundit.com"),
        ("TRUE-PUNDIT", "truepundit.com"),
        ("TruePundit.com", "truepundit.com"),
        ("The New York Times", "nytimes.com"),
        ("Gateway Pundit", "thegatewaypundit.com"),
        ("BBC", "bbc.com"),
        ("The Times", "thetimes.co.uk"),
        ("Associated Press", "apnews.com"),
        ("Architects & Engineers for 9/11 Truth", "ae911truth.org"),
    ],
)
def test_names_map_to_domains(name: str, domain: str) -> None:
    assert domain_for_name(shipped_table(), name) == domain


@pytest.mark.parametrize("name", ["Some Unheard Of Gazette", "News", "Officials", "x"])
def test_unknown_or_ambiguous_names_match_nothing(name: str) -> None:
    assert domain_for_name(shipped_table(), name) is None


def test_name_key_folds_case_accents_and_punctuation() -> None:
    assert name_key("Le Monde Diplomatique") == name_key("le-monde-diplomatique") == "lemondediplomatique"
    assert name_key("Café Babel") == "cafebabel"


def _text_report(name: str | None) -> Report:
    return Report(
        input=InputInfo(kind="text"),
        article=Article(text="Body.", outlet=Outlet(name=name, found_in="text" if name else None)),
    )


def test_unknown_name_is_unrated_and_says_why() -> None:
    rating = rate_outlet(_text_report("Some Unheard Of Gazette"), shipped_table())
    assert (rating.label, rating.domain, rating.name) == ("unrated", None, "Some Unheard Of Gazette")
    assert rating.note and "Some Unheard Of Gazette" in rating.note


def test_no_outlet_at_all_is_unrated() -> None:
    rating = rate_outlet(_text_report(None), shipped_table())
    assert rating.label == "unrated" and rating.note and "no outlet" in rating.note


def test_user_names_take_precedence(tmp_path: Path) -> None:
    path = tmp_path / "ours.csv"
    path.write_text("domain,score,name\nmy-local-paper.com,0.8,True Pundit\n", encoding="utf-8")
    rating = rate_outlet(_text_report("True Pundit"), ratings_table(path))
    assert (rating.domain, rating.table) == ("my-local-paper.com", f"user:{path.resolve()}")


def test_url_beats_name() -> None:
    report = Report(
        input=InputInfo(kind="url", url="https://www.nytimes.com/a"),
        article=Article(text="Body.", outlet=Outlet(name="True Pundit", domain="nytimes.com", found_in="url")),
    )
    rating = rate_outlet(report, shipped_table())
    assert (rating.domain, rating.matched_by) == ("nytimes.com", "domain")


def test_overriding_a_rating_keeps_the_outlet_findable_by_its_listed_name(tmp_path: Path) -> None:
    path = tmp_path / "ours.csv"
    path.write_text("domain,label\nae911truth.org,mixed\n", encoding="utf-8")
    table = ratings_table(path)
    assert domain_for_name(table, "Architects & Engineers for 9/11 Truth") == "ae911truth.org"
    assert rate_outlet(_text_report("Architects & Engineers for 9/11 Truth"), table).label == "mixed"
