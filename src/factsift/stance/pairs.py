"""Negation-aware sentence pairs derived from fact-checked claims, so short claims are covered too.

FNC-1 pairs a headline with a whole article; the fact-check and coverage stages also ask about single
sentences. From each claim (LIAR statements, PolitiFact and Snopes claims) this builds: the claim and its
negation (disagree, both ways round), the claim and a debunking sentence (disagree), the claim and a
hedged report about it (discuss), the same two for only part of the claim's words (official denials as wire
reports word them), the claim and a restatement (agree), and the claim against another
claim, plain or wrapped in the same templates (unrelated: a debunk of something else is no disagreement).
Templates are chosen by a seeded random generator, so the pairs are the same on every run.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from factsift.vocabulary import StanceLabel

DEBUNKS = (
    "The claim that {c} is false.",
    "There is no evidence that {c}.",
    "Fact-checkers found no proof that {c}.",
    "The viral story that {c} has been debunked.",
    "It is not true that {c}.",
    "Officials denied reports that {c}.",
    "The rumor that {c} is a hoax.",
    "Experts rejected the claim that {c}, calling it baseless.",
    "{C}? That is wrong.",
    "Contrary to posts online, it is false that {c}.",
    "A spokesman dismissed claims that {c} as fabricated.",
    "Records show the assertion that {c} is inaccurate.",
)
HEDGES = (
    "Officials are investigating whether {c}.",
    "It is unclear whether {c}.",
    "Reports that {c} have not been confirmed.",
    "Some social media users claim that {c}, but the reports could not be verified.",
    "Investigators are looking into allegations that {c}.",
    "It remains to be seen whether {c}.",
    "A spokesman would not say whether {c}.",
    "The newspaper reported that {c}, citing unnamed sources.",
    "Questions have been raised about whether {c}.",
    "Critics allege that {c}.",
    "According to an unverified report, {c}.",
    "Lawmakers asked whether {c}.",
)
#: Frames for a negated claim ``{N}`` (``{n}`` embedded): a plain or attributed denial.
NEGATION_FRAMES = (
    "{N}.",
    '"{N}," a spokesman said.',
    "Officials said {n}.",
    "{N}, according to the ministry.",
    "In fact, {n}.",
    "{N}, the agency said in a statement.",
)
#: Official denials of a claim told only in part (``{p}``: some of the claim's words, in order), as wire
#: reports word them; a denial rarely repeats every word of the claim it answers.
PARTIAL_DENIALS = (
    "The ministry on Monday denied that {p}.",
    "A spokesman denied reports that {p}, saying the claims were not true.",
    '"We have seen the reports, and they are not true," a spokeswoman said of claims that {p}.',
    "A spokesman said there was no truth to reports that {p}.",
    "Officials dismissed as false a report that {p}.",
    "The agency denied a claim that {p}, calling it fabricated.",
)
RESTATEMENTS = (
    "{C}.",
    "Officials confirmed that {c}.",
    "It is true that {c}.",
    "Records confirm that {c}.",
    "{C}, the figures show.",
    "{C}, a review of the records found.",
    "Yes, {c}.",
    "New data show that {c}.",
)
_AUXILIARY = re.compile(
    r"\b(is|are|was|were|has|have|had|will|would|can|could|should|does|do|did|must)\b(?! not\b)", re.IGNORECASE
)
_NEGATED = re.compile(r"\b(not|never)\s+|n't\b", re.IGNORECASE)
_LIAR_SAYS = re.compile(r"^(?:Says|Said|Claims)\s+(?:that\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class DerivedPair:
    """One derived pair; ``group`` is the claim it came from (splits keep a group together)."""

    claim: str
    text: str
    label: StanceLabel
    group: str


def clean_claim(statement: str) -> str | None:
    """The claim as a plain sentence: a leading "Says" dropped, quotes and end punctuation trimmed."""
    claim = _LIAR_SAYS.sub("", " ".join(statement.split())).strip().strip('"“”').rstrip(".!").strip()
    if len(claim.split()) < 5 or len(claim) > 220:
        return None
    return claim[0].upper() + claim[1:]


def embedded(claim: str) -> str:
    """The claim to be put after "that": the first letter lowered unless it starts a name or acronym."""
    first = claim.split(" ", 1)[0]
    if first in {"The", "A", "An", "There", "Most", "More", "Every", "No", "Only", "Some", "All", "Our", "Your"}:
        return claim[0].lower() + claim[1:]
    return claim


def negation(claim: str) -> str | None:
    """The claim negated by rule: "not" removed when present, else added after the first auxiliary verb."""
    if _NEGATED.search(claim):
        plain = claim.replace("can't", "can").replace("won't", "will").replace("cannot", "can")
        return " ".join(_NEGATED.sub("", plain, count=1).split())
    match = _AUXILIARY.search(claim)
    if match is None:
        return None
    word = match.group(1)
    replacement = "cannot" if word.lower() == "can" else f"{word} not"
    return claim[: match.start()] + replacement + claim[match.end() :]


def fill(template: str, claim: str) -> str:
    """A template with the claim inserted (``{C}`` as a sentence start, ``{c}`` embedded)."""
    return template.replace("{C}", claim).replace("{c}", embedded(claim))


def part_of(claim: str, rng: random.Random) -> str:
    """Some of the claim's words in their order: its first word, then each later word kept with chance 0.6."""
    words = claim.split()
    kept = [words[0], *(word for word in words[1:] if rng.random() < 0.6)]
    return " ".join(kept if len(kept) >= 3 else words[:3])


def partial_pairs(claim: str, rng: random.Random) -> Iterator[DerivedPair]:
    """A denial (disagree) and a hedged report (discuss) of part of the claim: partial overlap is not always discuss."""
    part = part_of(claim, rng)
    negated = negation(part)
    if negated is not None and rng.random() < 0.5:
        denial = rng.choice(NEGATION_FRAMES).replace("{N}", negated).replace("{n}", embedded(negated))
    else:
        denial = rng.choice(PARTIAL_DENIALS).replace("{p}", embedded(part))
    yield DerivedPair(claim, denial, "disagree", claim)
    yield DerivedPair(claim, fill(rng.choice(HEDGES), part), "discuss", claim)


def derive(claims: list[str], seed: int = 16) -> Iterator[DerivedPair]:
    """Labelled pairs for each claim (see the module docstring), reproducible for a given seed."""
    rng = random.Random(seed)
    for index, claim in enumerate(claims):
        other = claims[(index + 1 + rng.randrange(len(claims) - 1)) % len(claims)]
        negated = negation(claim)
        if negated is not None:
            frame = rng.choice(NEGATION_FRAMES)
            yield DerivedPair(claim, frame.replace("{N}", negated).replace("{n}", embedded(negated)), "disagree", claim)
            yield DerivedPair(negated, claim + ".", "disagree", claim)
        yield DerivedPair(claim, fill(rng.choice(DEBUNKS), claim), "disagree", claim)
        yield DerivedPair(claim, fill(rng.choice(HEDGES), claim), "discuss", claim)
        yield DerivedPair(claim, fill(rng.choice(RESTATEMENTS), claim), "agree", claim)
        yield from partial_pairs(claim, rng)
        yield DerivedPair(claim, other + ".", "unrelated", claim)
        wrapper = rng.choice((DEBUNKS, HEDGES, RESTATEMENTS))
        yield DerivedPair(claim, fill(rng.choice(wrapper), other), "unrelated", claim)


def in_articles(
    pairs: list[DerivedPair], claims: list[str], share: float = 0.5, seed: int = 16
) -> Iterator[DerivedPair]:
    """Some pairs again with their text set among 2 to 13 sentences of other claims, like one line of an article."""
    rng = random.Random(seed)
    for pair in pairs:
        if rng.random() >= share:
            continue
        others = [claim for claim in rng.sample(claims, rng.randint(3, 13)) if claim != pair.group]
        filler = [claim + "." for claim in others]
        filler.insert(rng.randint(0, len(filler)), pair.text)
        yield DerivedPair(pair.claim, " ".join(filler), pair.label, pair.group)


def read_claims(folder: Path, limit_per_source: int = 4000, seed: int = 16) -> list[str]:
    """Claims from LIAR, PolitiFact (CheckThat! 2021) and Snopes (CheckThat! 2020) under ``folder``, deduplicated."""
    sources: list[list[str]] = []
    liar = folder / "liar" / "train.tsv"
    if liar.is_file():
        with liar.open(encoding="utf-8") as handle:
            sources.append(
                [row[2] for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if len(row) > 2]
            )
    politifact = folder / "checkthat2021_t2b" / "politifact_vclaims.jsonl.gz"
    if politifact.is_file():
        with gzip.open(politifact, "rt", encoding="utf-8") as handle:
            sources.append([json.loads(line)["vclaim"] for line in handle if line.strip()])
    snopes = folder / "checkthat2020_t2" / "verified_claims.docs.tsv"
    if snopes.is_file():
        with snopes.open(encoding="utf-8") as handle:
            sources.append([row["vclaim"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)])
    rng = random.Random(seed)
    seen: set[str] = set()
    claims: list[str] = []
    for statements in sources:
        cleaned = [c for c in (clean_claim(s) for s in statements) if c is not None]
        rng.shuffle(cleaned)
        for claim in cleaned[:limit_per_source]:
            if claim.lower() not in seen:
                seen.add(claim.lower())
                claims.append(claim)
    return claims
