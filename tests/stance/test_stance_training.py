"""``factsift train stance`` end to end on a small generated FNC-1-shaped folder and a few LIAR-shaped claims."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from factsift.cli import main
from factsift.stance import StanceModel
from factsift.stance.training import fnc_score, split_of

TOPICS = [
    ("mayor", "The mayor resigned after the budget scandal", "the mayor resigned after the budget scandal"),
    ("whale", "A whale was found in the river downtown", "a whale was found in the river downtown"),
    ("bridge", "The old bridge collapsed during the storm", "the old bridge collapsed during the storm"),
    ("virus", "A new virus spread through the school", "a new virus spread through the school"),
]
FRAMES = {
    "agree": "Officials confirmed that {c}. Photos show it clearly.",
    "disagree": "Officials denied that {c}. The story is a hoax and false.",
    "discuss": "Reports claim that {c}, but it is unclear whether this is true. Investigators are looking into it.",
}


def write_fnc(folder: Path, bodies_per_label: int = 12) -> None:
    """A small FNC-1-shaped folder: bodies on four topics, each with a related and an unrelated headline."""
    folder.mkdir()
    rng = random.Random(3)
    bodies, stances = [], []
    for number in range(bodies_per_label * len(FRAMES) * len(TOPICS)):
        _, headline, clause = TOPICS[number % len(TOPICS)]
        label = list(FRAMES)[(number // len(TOPICS)) % len(FRAMES)]
        filler = " ".join(f"Residents of district {rng.randint(1, 99)} spoke at the meeting." for _ in range(3))
        bodies.append({"Body ID": str(number), "articleBody": f"{filler} {FRAMES[label].format(c=clause)}"})
        stances.append({"Headline": headline, "Body ID": str(number), "Stance": label})
        other = TOPICS[(number + 1) % len(TOPICS)][1]
        stances.append({"Headline": other, "Body ID": str(number), "Stance": "unrelated"})
    for name, rows in (("train_bodies.csv", bodies), ("train_stances.csv", stances)):
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def test_train_stance_writes_a_loadable_calibrated_model(tmp_path: Path) -> None:
    write_fnc(tmp_path / "fnc1")
    liar = tmp_path / "claims" / "liar"
    liar.mkdir(parents=True)
    statements = [f"The state budget for year {2000 + i} was {i} billion dollars" for i in range(40)]
    (liar / "train.tsv").write_text("".join(f"{i}.json\tfalse\t{s}\tbudget\n" for i, s in enumerate(statements)))
    out = tmp_path / "model" / "stance"
    code = main(
        ["train", "stance", "--fnc", str(tmp_path / "fnc1"), "--claims", str(tmp_path / "claims"), "--out", str(out)]
    )
    assert code == 0
    model = StanceModel.load(out)
    meta = json.loads(out.with_suffix(".json").read_text())
    assert set(meta["dev"]) == {"fnc1", "derived", "derived_articles"}
    assert "test" not in meta
    assert model.temperature > 0
    [result] = model.predict(
        [(statements[0], "It is not true that the state budget for year 2000 was 0 billion dollars.")]
    )
    assert abs(sum(result.scores.values()) - 1.0) < 1e-9


def test_fnc_score_weights_related_labels_three_times_the_relatedness_decision() -> None:
    gold = ["agree", "unrelated", "discuss", "disagree"]
    assert fnc_score(gold, gold) == 1.0
    # best = 1 + 0.25 + 1 + 1; got: 0.25 (related, wrong label) + 0.25 + 1 + 0 (called unrelated)
    assert fnc_score(gold, ["discuss", "unrelated", "discuss", "unrelated"]) == (0.25 + 0.25 + 1.0) / 3.25


def test_splits_are_stable_and_roughly_in_their_shares() -> None:
    splits = [split_of(f"fnc1:{i}") for i in range(4000)]
    assert splits == [split_of(f"fnc1:{i}") for i in range(4000)]
    shares = {name: splits.count(name) / len(splits) for name in ("train", "calib", "dev", "test")}
    assert 0.55 < shares["train"] < 0.65 and 0.12 < shares["dev"] < 0.18 and 0.12 < shares["test"] < 0.18
