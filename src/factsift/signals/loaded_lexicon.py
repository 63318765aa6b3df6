"""The loaded-language lexicon: words and patterns that push emotion rather than inform.

Written for factsift from scratch (no proprietary lexicon was copied).  Seven categories, each a
list of regular-expression fragments matched case-insensitively on word boundaries, with a
weight saying how strongly one hit counts:

* ``superlative`` (1.0): absolute comparisons — "the worst", "greatest ever", "unprecedented".
* ``intensifier`` (0.5): adverbs that inflate a claim — "extremely", "totally", "literally".
  Wire copy uses a few of these, so each counts half.
* ``loaded_political`` (1.0): terms that frame rather than describe — "regime", "deep state",
  "witch hunt", "globalist", "open borders", "fake news".
* ``sensational_verb`` (1.0): violent or theatrical verbs for ordinary events — "destroy",
  "slam", "rain down", "obliterate", "eviscerate", "rip into".
* ``emotive`` (1.0): adjectives and nouns that tell the reader how to feel — "shocking",
  "bombshell", "coveted", "jaw-dropping", "disgusting", "carnage".
* ``ad_hominem`` (1.5): insulting labels for people — "idiot", "liar", "traitor", "thug".
* ``shouting`` (1.0 per all-caps run, 0.5 per "!" and 1.5 per run of "!!"/"?!"): typography
  used for emphasis.  Runs of two or more all-caps words, or single all-caps words of six or more
  letters (short ones are usually acronyms: "ISIS", "NATO").

A hit inside a quotation or a reported claim does not count: the words are the speaker's, not the
writer's (:mod:`factsift.signals.reported_speech`).
"""

from __future__ import annotations

import itertools
import re

from factsift.signals.candidates import literal_starts, lowered, words_regex

CATEGORIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "superlative": (
        1.0,
        (
            r"worst|greatest|biggest|deadliest|dumbest|stupidest|craziest|wildest|scariest|sickest",
            r"most\s+(?:dangerous|corrupt|evil|incompetent|disgusting|disgraceful|shocking|outrageous|"
            r"powerful|insane|ridiculous|vicious|brutal|dishonest|hated|terrifying)",
            r"(?:best|worst|greatest|biggest)\s+ever",
            r"of\s+all\s+time",
            r"unprecedented",
            r"never\s+before\s+seen",
            r"the\s+ultimate",
            r"once\s+in\s+a\s+(?:lifetime|generation)",
        ),
    ),
    "intensifier": (
        0.5,
        (
            r"extremely",
            r"absolutely",
            r"totally",
            r"completely",
            r"utterly",
            r"incredibly",
            r"truly",
            r"literally",
            r"insanely",
            r"massively",
            r"hugely",
            r"blatantly",
            r"shockingly",
            r"unbelievably",
            r"undeniably",
            r"outright",
            r"downright",
            r"flat[- ]out",
            r"very\s+very",
            r"so\s+much\s+for",
        ),
    ),
    "loaded_political": (
        1.0,
        (
            r"regimes?",
            r"deep\s+state",
            r"witch[- ]hunts?",
            r"globalists?",
            r"elites?",
            r"open\s+borders",
            r"illegals",
            r"fake\s+news",
            r"mainstream\s+media",
            r"lamestream",
            r"msm",
            r"propaganda",
            r"treason(?:ous)?",
            r"tyrann(?:y|ical)",
            r"tyrants?",
            r"dictators?(?:hip)?",
            r"puppets?",
            r"cabal",
            r"crooked",
            r"rigged",
            r"cover[- ]ups?",
            r"hoax(?:es)?",
            r"indoctrinat(?:e|ed|ion)",
            r"(?:radical|far)[- ](?:left|right)(?:ists?)?",
            r"leftists?",
            r"libtards?",
            r"snowflakes?",
            r"sjws?",
            r"marxists?",
            r"commies?",
            r"fascists?",
            r"nazis?",
            r"jihadis?",
            r"war\s+on\s+(?:christmas|christians|women|cops|police|guns|coal)",
            r"traitors?",
            r"anti-american",
            r"un-american",
            r"soros",
            r"sharia",
        ),
    ),
    "sensational_verb": (
        1.0,
        (
            r"destroy(?:s|ed|ing)?",
            r"slam(?:s|med|ming)?",
            r"rain(?:s|ed|ing)?\s+down",
            r"blast(?:ed|ing)",
            r"obliterat(?:e|es|ed|ing)",
            r"annihilat(?:e|es|ed|ing)",
            r"crush(?:es|ed|ing)?",
            r"demolish(?:es|ed|ing)?",
            r"eviscerat(?:e|es|ed|ing)",
            r"shred(?:s|ded|ding)?",
            r"torch(?:es|ed|ing)?",
            r"rip(?:s|ped|ping)?\s+(?:into|apart)",
            r"tear(?:s|ing)?\s+(?:into|apart)",
            r"tore\s+(?:into|apart)",
            r"explod(?:e|es|ed|ing)",
            r"erupt(?:s|ed|ing)?",
            r"shatter(?:s|ed|ing)?",
            r"decimat(?:e|es|ed|ing)",
            r"squelch(?:es|ed|ing)?",
            r"unleash(?:es|ed|ing)?",
            r"humiliat(?:e|es|ed|ing)",
            r"stun(?:s|ned|ning)?",
            r"skewer(?:s|ed|ing)?",
            r"lambast(?:e|es|ed|ing)",
            r"trounc(?:e|es|ed|ing)",
            r"wreck(?:s|ed|ing)?",
            r"implod(?:e|es|ed|ing)",
            r"goes?\s+ballistic",
            r"went\s+ballistic",
            r"freak(?:s|ed|ing)?\s+out",
            r"melt(?:s|ed|ing)?\s+down",
            r"meltdown",
            r"own(?:s|ed)\s+(?:the\s+)?libs?",
            r"smack(?:s|ed)?\s+down",
            r"busted",
        ),
    ),
    "emotive": (
        1.0,
        (
            r"shocking",
            r"stunning",
            r"outrageous",
            r"disgusting",
            r"horrific",
            r"horrifying",
            r"terrifying",
            r"bombshell",
            r"explosive",
            r"devastating",
            r"insane",
            r"unbelievable",
            r"jaw[- ]dropping",
            r"mind[- ]blowing",
            r"epic",
            r"drastic",
            r"coveted",
            r"brutal(?:ly)?",
            r"vicious(?:ly)?",
            r"savage(?:ly)?",
            r"chilling",
            r"disturbing",
            r"catastrophic",
            r"disastrous",
            r"nightmare",
            r"carnage",
            r"mayhem",
            r"bloodbath",
            r"evil",
            r"disgraceful",
            r"disgrace",
            r"pathetic",
            r"despicable",
            r"vile",
            r"hysterical",
            r"fury",
            r"furious",
            r"outrage",
            r"rage",
            r"heinous",
            r"sinister",
            r"insidious",
            r"apocalyptic",
            r"staggering",
            r"hilarious",
            r"breathtaking",
            r"egregious",
            r"appalling",
            r"atrocious",
            r"slaughter(?:ed)?",
            r"paltry",
            r"catastrophe",
            r"betrayal",
            r"scandalous",
            r"diabolical",
        ),
    ),
    "ad_hominem": (
        1.5,
        (
            r"idiots?",
            r"morons?",
            r"moronic",
            r"liars?",
            r"lunatics?",
            r"clowns?",
            r"buffoons?",
            r"hypocrites?",
            r"hypocritical",
            # a label for a person ("a fraud.", "total fraud and a liar", "frauds"), not the crime ("voter fraud")
            r"frauds",
            r"(?:a|total|complete|utter|absolute)\s+fraud(?=\s*(?:[.,;:!?\"”)]|$)|\s+(?:and|who|whose)\b)",
            r"crooks?",
            r"losers?",
            r"cowards?",
            r"cowardly",
            r"imbeciles?",
            r"scum(?:bags?)?",
            r"thugs?",
            r"maniacs?",
            r"psychos?",
            r"nut\s*jobs?",
            r"crackpots?",
            r"degenerates?",
            r"sleazy",
            r"sleazebags?",
            r"creepy",
            r"unhinged",
            r"deranged",
            r"dimwits?",
            r"halfwits?",
            r"stupid",
            r"dumb",
            r"ignorant",
            r"incompetent",
            r"sociopaths?",
            r"psychopaths?",
            r"bigots?",
            r"racists?",
        ),
    ),
}

#: Short all-caps words that are usually acronyms, never counted as shouting even in a run.
ACRONYMS = frozenset(
    """
    US USA UK EU UN NATO ISIS ISIL CIA FBI NSA DIA DHS DOJ DOD IRS EPA FDA CDC NASA GOP DNC RNC CNN NBC CBS ABC
    BBC NPR MSNBC FOX AP AFP NYT WSJ TV AM PM LLC INC CEO CFO NFL NBA MLB NHL UFC WHO IMF WTO GDP HIV AIDS ICE
    TSA ATF DEA NYPD LAPD IT OK ID PDF URL NRA ACLU SEC FCC FEC NAACP LGBT LGBTQ COVID SARS MERS ISS USSR DC NY
    LA SF II III IV JR SR PHD MD RSS OPEC BREXIT SWAT IRGC UAE KGB FSB GRU HQ POW MIA VA US-RUSSIAN
    """.split()
)

_ALL_CAPS_WORD = r"[A-Z][A-Z'’-]*[A-Z]"
# Each opens with its first character and checks the one before it after that ("[A-Z](?<![\w'’-][A-Z])" is
# "(?<![\w'’-])[A-Z]"), so the regex engine jumps from one capital or "!" to the next.
SHOUTING_RUN = re.compile(rf"[A-Z](?<![\w'’-][A-Z])[A-Z'’-]*[A-Z](?:[ \t]+{_ALL_CAPS_WORD})+(?![\w'’-])")
SHOUTING_WORD = re.compile(r"[A-Z](?<![\w'’-][A-Z])[A-Z]{5,}(?![\w'’-])")
EXCLAMATION_RUN = re.compile(r"[!?]*!(?:[!?])+|\?!")
EXCLAMATION = re.compile(r"!(?<![!?]!)(?![!?])")
SHOUTING_WEIGHT = 1.0
EXCLAMATION_WEIGHT = 0.5
EXCLAMATION_RUN_WEIGHT = 1.5


MAX_CACHED_WORDS = 200_000
_MULTIWORD = re.compile(r"\\s|\[- \]| ")
#: A word as the single-word lookup reads it; split with this, a text alternates separators and words.
_WORD_SPLIT = re.compile(r"([A-Za-z][A-Za-z'’-]*)")
_BOUNDED = r"(?<![\w'’-])(?:{})(?![\w'-]|’\w)"
#: The same phrases on lower-cased text, opening with the character before the phrase instead of a lookbehind
#: (the regex engine then jumps from one separator to the next instead of trying every position), then checking
#: that a phrase's first word follows before trying every phrase.
_AFTER_SEPARATOR = r"[^\w'’-](?={})(?:{})(?![\w'-]|’\w)"
_AT_START = r"(?:{})(?![\w'-]|’\w)"


class Matcher:
    """Finds lexicon hits fast: single-word entries by looking up each distinct word, phrases by one regex.

    Equivalent to one word-bounded, case-insensitive regular expression per category, but a
    word seen before is answered from a cache instead of rescanning every entry.
    """

    def __init__(self) -> None:
        self.weights = {name: weight for name, (weight, _) in CATEGORIES.items()}
        self._single: list[tuple[str, re.Pattern[str]]] = []
        phrase_parts: list[str] = []
        for name, (_, parts) in CATEGORIES.items():
            single = [p for p in parts if not _MULTIWORD.search(p)]
            phrases = [p for p in parts if _MULTIWORD.search(p)]
            if single:
                self._single.append((name, re.compile("(?:" + "|".join(single) + ")", re.IGNORECASE)))
            if phrases:
                phrase_parts.append(f"(?P<{name}>" + "|".join(phrases) + ")")
            if any(re.search("[A-Z]", re.sub(r"\\.", "", phrase)) for phrase in phrases):
                raise ValueError(f"{name}: phrases are written in lower case (they are matched on lower-cased text)")
        self._phrases = re.compile(_BOUNDED.format("|".join(phrase_parts)), re.IGNORECASE)
        phrases_of = [p for _, parts in CATEGORIES.values() for p in parts if _MULTIWORD.search(p)]
        first_words = words_regex(start for phrase in phrases_of for start in literal_starts(phrase))
        self._phrases_lowered = re.compile(_AFTER_SEPARATOR.format(f"(?:{first_words})", "|".join(phrase_parts)))
        self._phrase_at_start = re.compile(_AT_START.format("|".join(phrase_parts)))
        self._cache: dict[str, str | None] = {}
        #: Words as found (trailing apostrophes and hyphens included) already looked up, and those that are hits:
        #: word -> (length of the word without them, category).
        self._seen: set[str] = set()
        self._hits: dict[str, tuple[int, str]] = {}

    def _category(self, word: str) -> str | None:
        key = word.lower()
        if key not in self._cache:
            if len(self._cache) > MAX_CACHED_WORDS:
                self._cache.clear()
            self._cache[key] = next((n for n, p in self._single if p.fullmatch(key)), None)
        return self._cache[key]

    def _look_up(self, words: set[str]) -> dict[str, tuple[int, str]]:
        """Look up the words as found (trailing apostrophes and hyphens dropped) not looked up before; the hits.

        A full table is replaced, not emptied, so a thread still reading the old one is not disturbed.
        """
        if len(self._seen) > MAX_CACHED_WORDS:
            self._seen, self._hits = set(), {}
        seen, hits = self._seen, self._hits
        new = words - seen
        for raw in new:
            word = raw.rstrip("'’-")
            category = self._category(word)
            if category is not None:
                hits[raw] = (len(word), category)
        seen |= new
        return hits

    def _phrase_hits(self, text: str) -> list[tuple[int, int, str]]:
        """Every phrase hit, as one word-bounded, case-insensitive ``finditer`` over ``text`` finds them."""
        low = lowered(text)
        if low is None:
            return [(m.start(), m.end(), m.lastgroup or "") for m in self._phrases.finditer(text)]
        hits: list[tuple[int, int, str]] = []
        resume = 0
        if first := self._phrase_at_start.match(low):
            hits.append((0, first.end(), first.lastgroup or ""))
            resume = first.end()
        hits.extend((m.start() + 1, m.end(), m.lastgroup or "") for m in self._phrases_lowered.finditer(low, resume))
        return hits

    def finditer(self, text: str) -> list[tuple[int, int, str]]:
        """Every hit as ``(start, end, category)``, phrases first, in no particular order."""
        hits = self._phrase_hits(text)
        parts = _WORD_SPLIT.split(text)  # separator, word, separator, word, ..., separator
        words = parts[1::2]
        distinct = set(words)
        known = self._look_up(distinct)
        found = known.keys() & distinct
        if found:
            ends = list(itertools.accumulate(map(len, parts)))
            for index in [i for i, raw in enumerate(words) if raw in found]:
                start = ends[2 * index]  # where the separator before the word ends
                length, category = known[words[index]]
                hits.append((start, start + length, category))
        return hits
