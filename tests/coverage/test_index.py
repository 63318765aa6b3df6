"""The archive index: incremental filling by seq, date slices, other outlets only, vectors and re-ranking."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from factsift.archive.index import ArchiveIndex, day_number, outlet_key, quantise
from factsift.archive.store import ArticleArchive, KeptArticle

from .fixtures import UNRELATED, WIRE


class WordEncoder:
    """A deterministic toy encoder: a unit vector of word hashes (similar words, similar vectors)."""

    model_id = "toy-words"

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One unit vector per text, from its lower-case words."""
        out = np.zeros((len(texts), 16), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, sum(map(ord, word)) % 16] += 1.0
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out


def article(identifier: str, outlet: str, published: str | None, title: str) -> KeptArticle:
    """A small archived article whose title is also its one claim."""
    return KeptArticle(identifier, None, outlet, "reliable", 0.9, published, title, title + ".", (title,))


def test_the_index_reads_only_rows_changed_since_its_last_refresh(archive: ArticleArchive) -> None:
    index = ArchiveIndex()
    archive.add([WIRE, *UNRELATED])
    assert index.refresh(archive) == 4
    assert index.refresh(archive) == 0
    changed = KeptArticle(**{**WIRE.__dict__, "title": "Pentagon confirms talks with Moscow", "claims": ()})
    archive.add([changed])
    assert index.refresh(archive) == 1
    assert len(index) == 4
    assert index.search("denies coordinating air") == []  # the old title's words are gone
    assert [hit.article_id for hit in index.search("Pentagon talks Moscow")] == ["wire-denial"]


def test_search_keeps_to_the_date_window_and_to_other_outlets(archive: ArticleArchive) -> None:
    archive.add(
        [
            article("a", "one.example", "2017-01-20", "Russian bombers strike targets in Syria"),
            article("b", "two.example", "2017-03-20", "Russian bombers strike targets in Syria"),
            article("c", "www.three.example", "2017-01-21", "Russian bombers strike targets in Syria"),
            article("d", "four.example", None, "Russian bombers strike targets in Syria"),
        ]
    )
    index = ArchiveIndex()
    index.refresh(archive)
    found = index.search("Russian bombers strike Syria", since="2017-01-15", until="2017-01-25")
    assert sorted(hit.article_id for hit in found) == ["a", "c"]
    others = index.search("Russian bombers", since="2017-01-15", until="2017-01-25", exclude_outlet="three.example")
    assert [hit.article_id for hit in others] == ["a"]
    assert sorted(hit.article_id for hit in index.search("Russian bombers")) == ["a", "b", "c", "d"]
    assert (index.counts("2017-01-15", "2017-01-25").articles, index.counts().outlets) == (2, 4)


def test_vectors_are_filled_by_the_encoder_and_re_rank_the_candidates(archive: ArticleArchive) -> None:
    encoder = WordEncoder()
    archive.add(
        [
            article("near", "one.example", "2017-01-20", "pentagon denies russia strikes"),
            article("far", "two.example", "2017-01-20", "strikes strikes strikes rail union pay"),
        ]
    )
    index = ArchiveIndex(encoder.model_id)
    index.refresh(archive)
    assert index.lacking_vectors == 2
    assert index.fill_vectors(archive, encoder, limit=10) == 2
    assert archive.missing_vectors(encoder.model_id, 10) == []
    index.refresh(archive)
    assert index.lacking_vectors == 0
    query = "pentagon denies russia strikes"
    lexical = index.search("strikes", limit=2)
    assert lexical[0].article_id == "far" and lexical[0].similarity is None
    hybrid = index.search("strikes", vector=encoder.embed([query])[0], limit=2)
    assert hybrid[0].article_id == "near"
    assert hybrid[0].similarity is not None and hybrid[0].similarity > 0.99


def test_quantised_vectors_keep_the_cosine_to_within_a_hundredth() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((50, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = vectors @ vectors[0]
    approximate = quantise(vectors).astype(np.float32) @ (vectors[0] * 127.0) / (127.0 * 127.0)
    assert np.max(np.abs(exact - approximate)) < 0.01


def test_dates_and_outlets_are_read_leniently() -> None:
    assert day_number("2017-01-25T10:00:00Z") == day_number("2017-01-25")
    assert day_number("not a date") == day_number(None) == -1
    assert outlet_key("WWW.TruePundit.com ") == outlet_key("truepundit.com") == "truepundit.com"


def test_searching_many_queries_at_once_finds_what_searching_each_does(archive: ArticleArchive) -> None:
    archive.add([WIRE, *UNRELATED])
    index = ArchiveIndex()
    index.refresh(archive)
    queries = ["Russian bombers and U.S. drones", "tomatoes sun", "rail strike pay", "nothing matches zzz"]
    together = index.search_many(queries, [None] * len(queries), since="2017-01-20", until="2017-01-31")
    assert together == [index.search(q, since="2017-01-20", until="2017-01-31") for q in queries]
    assert [[hit.article_id for hit in hits] for hits in together] == [
        ["wire-denial", "chess"],
        ["garden"],
        ["rail", "wire-denial"],  # "strike" in the rail title, "strikes" in the wire's
        [],
    ]


def test_in_a_big_archive_words_most_articles_share_are_left_out_of_the_lexical_search() -> None:
    from factsift.archive.index import MIN_COMMON_ARTICLES
    from factsift.archive.store import IndexRow

    index = ArchiveIndex()
    count = MIN_COMMON_ARTICLES + 100
    for seq in range(1, count + 1):
        title = "weather report" + (" volcano eruption" if seq == 7 else "")
        index.add_row(IndexRow(seq, f"a{seq}", f"o{seq}.example", "2017-01-20", title, (), None))
    assert [hit.article_id for hit in index.search("weather volcano")] == ["a7"]  # "weather" only adds noise
    assert len(index.search("weather report", limit=20)) == 20  # a query of common words alone still searches
