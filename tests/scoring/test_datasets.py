"""Dataset loaders and de-duplication, on small fake copies of each dataset's layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factsift.scoring.datasets import load_all, outlet_of, repair_mojibake
from factsift.scoring.dedup import deduplicate

STORY = "Lawmakers met on Thursday to discuss the water bill and its cost to residents in the valley. "
OTHER = "A small town library reopened after repairs, and volunteers catalogued thousands of donated books. "


def _fnn(root: Path, collection: str, folder: str, n: int, text: str, url: str) -> None:
    base = root / "fakenewsnet_v1" / collection / folder
    base.mkdir(parents=True, exist_ok=True)
    kind = "Fake" if folder.startswith("Fake") else "Real"
    data = {"text": text, "title": f"Headline {n}", "url": url, "canonical_link": "", "source": url}
    (base / f"{collection}_{kind}_{n}-Webpage.json").write_text(json.dumps(data))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    _fnn(root, "PolitiFact", "FakeNewsContent", 1, STORY * 3, "http://www.fake-site.com/a")
    _fnn(root, "PolitiFact", "RealNewsContent", 1, OTHER * 3, "https://edition.cnn.com/b")
    _fnn(root, "PolitiFact", "RealNewsContent", 2, "too short", "https://cnn.com/c")
    _fnn(root, "BuzzFeed", "FakeNewsContent", 1, STORY * 3 + " trailing share buttons", "http://fake-site.com/x")
    defend = root / "fakenewsnet_defend"
    defend.mkdir(parents=True)
    (defend / "politifact_content_no_ignore.tsv").write_text(
        "id\tlabel\tcontent\n"
        f"politifact1\t1\t{'Conflicting copy of a story about the mayor and the harbour. ' * 3}\n"
        f"politifact2\t0\t{'Conflicting copy of a story about the mayor and the harbour. ' * 3}\n"
        f"politifact3\t0\t{'The harbour authority published its annual report on shipping volumes. ' * 3}\n"
    )
    (defend / "politifact_title_no_ignore.tsv").write_text("politifact3\tHarbour report\n")
    titles = root.parent / "headlines" / "fakenewsnet_titles"
    titles.mkdir(parents=True)
    (titles / "politifact_real.csv").write_text(
        "id,news_url,title,tweet_ids\npolitifact3,https://web.archive.org/web/2017/http://www.harbour.gov.uk/r,x,\n"
    )
    webis = root / "buzzfeed_webis_2016"
    (webis / "articles").mkdir(parents=True)
    (webis / "overview.csv").write_text(
        "XML,portal,orientation,veracity,url\n"
        "0001.xml,right-news,right,mostly false,http://rightnews.com/1\n"
        "0002.xml,right-news,right,mixture of true and false,http://rightnews.com/2\n"
    )
    for name in ("0001.xml", "0002.xml"):
        (webis / "articles" / name).write_text(
            "<article><title>Heâ\x80\x99s back</title>"
            f"<mainText>{'Storm warnings issued as the rain continues to fall heavily. ' * 3}"
            f"</mainText><uri>http://rightnews.com/{name}</uri></article>",
            encoding="utf-8",
        )
    amt = root / "fakenews_amt" / "fakeNewsDataset"
    for folder, text in (
        ("fake", "Robots will run every school by spring, experts claim without evidence."),
        ("legit", "The school board approved a new reading programme for next year's pupils."),
    ):
        (amt / folder).mkdir(parents=True)
        (amt / folder / f"edu01.{folder}.txt").write_text(f"Title {folder}\n\n{text * 2}")
    return root


def test_load_all_reads_every_dataset(data_dir: Path) -> None:
    rows = load_all(data_dir)
    by_id = {r.id: r for r in rows}
    assert {r.dataset for r in rows} == {
        "fakenewsnet_politifact",
        "fakenewsnet_buzzfeed",
        "fakenewsnet_defend",
        "buzzfeed_webis",
        "fakenews_amt",
    }
    assert "politifact:PolitiFact_Real_2-Webpage" not in by_id  # under 50 characters
    assert by_id["politifact:PolitiFact_Real_1-Webpage"].outlet == "cnn.com"
    assert (
        by_id["defend:politifact3"].outlet == "harbour.gov.uk" and by_id["defend:politifact3"].title == "Harbour report"
    )
    webis = [r for r in rows if r.dataset == "buzzfeed_webis"]
    assert (
        len(webis) == 1 and webis[0].label == 1 and webis[0].title == "He’s back" and webis[0].outlet == "rightnews.com"
    )
    amt = [r for r in rows if r.dataset == "fakenews_amt"]
    assert {r.label for r in amt} == {0, 1} and {r.group for r in amt} == {"amt:edu01"}


def test_dedup_keeps_earlier_dataset_and_drops_conflicts(data_dir: Path) -> None:
    kept, summary = deduplicate(load_all(data_dir))
    ids = {r.id for r in kept}
    assert "politifact:PolitiFact_Fake_1-Webpage" in ids
    assert "buzzfeed:BuzzFeed_Fake_1-Webpage" not in ids  # same opening as the PolitiFact copy
    assert "defend:politifact1" not in ids and "defend:politifact2" not in ids  # same text, labels disagree
    assert summary.conflicting_dropped == 2 and summary.duplicates_removed == 1


def test_outlet_of() -> None:
    assert outlet_of("https://www.edition.cnn.com/x") == "cnn.com"
    assert outlet_of("speedtalk.com/forum/viewtopic.php") == "speedtalk.com"
    assert outlet_of("http://news.bbc.co.uk/1") == "bbc.co.uk"
    assert outlet_of("https://web.archive.org/web/2016/http://www.whitehouse.gov/omb") == "whitehouse.gov"
    assert outlet_of(None) is None and outlet_of("") is None


_DAMAGEABLE = st.text(alphabet=st.sampled_from("abc XYZ.,éèüñçÀÉ©®°±½ ‘’“”–—…"), max_size=40)


@given(_DAMAGEABLE)
def test_repair_mojibake_undoes_utf8_read_as_latin1(text: str) -> None:
    assert repair_mojibake(text.encode("utf-8").decode("latin-1")) == text
    assert repair_mojibake(text) == text  # clean text is left alone


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_repair_mojibake_leaves_ascii_alone(text: str) -> None:
    assert repair_mojibake(text) == text
