"""Readers of the labelled retrieval sets: CheckThat! 2020 files are quoted CSV, 2021 files are raw text."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from factsift.factchecks.datasets import load_checkthat2020, load_checkthat2021


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_checkthat2020_reads_quoted_fields_doubled_quotes_and_line_breaks(tmp_path: Path) -> None:
    _write(
        tmp_path / "verified_claims.docs.tsv",
        "\tvclaim\ttitle\n"
        "0\tA heron stole a bagel.\tHeron Bagel Theft\n"
        '1\t"A mayor called kites a ""menace"" to pigeons."\tDid a Mayor Ban Kites?\n'
        '2\t"The council voted to paint every\nbench purple."\tPurple Benches\n',
    )
    _write(
        tmp_path / "train" / "tweets.queries.tsv",
        'id\ttweet\n7\t"Our mayor says kites are a ""menace"" — really?"\n8\tplain heron tweet\n',
    )
    _write(tmp_path / "train" / "tweet-vclaim-pairs.qrels", "7\t0\t1\t1\n8\t0\t0\t1\n")
    dataset = load_checkthat2020(tmp_path, "train")
    claims = {r.id: r.claim_reviewed for r in dataset.reviews}
    assert claims == {
        "0": "A heron stole a bagel.",
        "1": 'A mayor called kites a "menace" to pigeons.',
        "2": "The council voted to paint every bench purple.",
    }
    assert {r.id: r.title for r in dataset.reviews}["2"] == "Purple Benches"
    assert dataset.queries["7"] == 'Our mayor says kites are a "menace" — really?'
    assert dataset.gold == {"7": {"1"}, "8": {"0"}}


def test_checkthat2021_keeps_a_lone_quote_in_a_debate_sentence(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "politifact_vclaims.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"vclaim_id": "v1", "vclaim": "Kites are banned.", "truth_label": "false"}) + "\n")
    _write(tmp_path / "iclaims.queries", 'q1\tI said it loud and clear, "Ban the kites.\n')
    _write(tmp_path / "dev.tsv", "q1\t0\tv1\t1\n")
    dataset = load_checkthat2021(tmp_path, "dev")
    assert dataset.queries == {"q1": 'I said it loud and clear, "Ban the kites.'}
    assert dataset.gold == {"q1": {"v1"}}
