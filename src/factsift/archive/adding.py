"""Adding files to the archive: analysed reports as they are, pages and crawls analysed first, all in one transaction.

Reports (a ``.json`` report, ``factsift batch`` JSONL output) are kept without analysing anything again.
Pages (``.html``/``.htm``/``.xhtml``/``.txt``, a folder of them, a batch input ``.jsonl``/``.csv`` with
``html`` or ``text``, a ``.warc[.gz]``/``.arc[.gz]`` crawl) are analysed with the analyser's configuration
first (every page before the archive is touched), then everything is added in one transaction: bad input
anywhere leaves the archive unchanged and says where and why.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, cast

import orjson
from tqdm import tqdm

from factsift.analyser import Analyser
from factsift.archive.keep import kept_article
from factsift.archive.store import AddCounts, ArticleArchive, KeptArticle
from factsift.batch.readers import PAGE_SUFFIXES, WARC_SUFFIXES, count_records, page_files, read_input
from factsift.batch.records import BadRecord, InputRecord, Record
from factsift.errors import InputError
from factsift.options import MAX_FILE_BYTES

InputKind = Literal["report", "reports", "pages", "page"]
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
#: Bad inputs named in an error message at most (the count says how many there were).
SHOWN_PROBLEMS = 5


@dataclass
class AddSummary:
    """What adding files did: the archive's counts, what was analysed here, and what was not kept and why."""

    counts: AddCounts = field(default_factory=AddCounts)
    #: Articles analysed here (pages and crawls); reports are never analysed again.
    analysed: int = 0
    #: Rows of a batch output that are errors (the batch could not analyse them): there is no article to keep.
    batch_errors: int = 0
    #: With ``skip_bad``: the inputs left out, as ``where: reason``.
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def input_kind(path: Path) -> InputKind:
    """How the file ``path`` is added: one ``report`` (.json), a file of ``reports`` (batch output JSONL),
    ``pages`` to analyse (batch input JSONL/CSV, a crawl) or one ``page`` to analyse; InputError otherwise."""
    name = path.name.lower()
    if not path.is_file():
        raise InputError(f"no such file or folder: {path}")
    if name.endswith((".parquet", ".pq")):
        raise InputError(
            f"{path}: a Parquet batch output holds no article text; write the batch output as JSONL "
            "(factsift batch … --out results.jsonl) and add that"
        )
    if name.endswith(".json"):
        return "report"
    if name.endswith(_JSONL_SUFFIXES):
        return "reports" if _holds_reports(path) else "pages"
    if name.endswith((".csv", ".csv.gz", *WARC_SUFFIXES)):
        return "pages"
    if path.suffix.lower() in PAGE_SUFFIXES:
        return "page"
    raise InputError(
        f"{path}: unknown input (use a report .json, batch output .jsonl, .html/.htm/.txt pages, "
        "a folder of them, a batch input .jsonl/.csv or a .warc[.gz] crawl)"
    )


def inputs_of(path: Path) -> list[tuple[Path, InputKind]]:
    """What adding ``path`` adds: a file by its :func:`input_kind`; for a folder, in path order, its pages as one
    input of ``pages`` (ids relative to the folder), then every report, batch or crawl file under it by its kind
    (other files, such as images, are not articles).  InputError for a folder holding none of them, rather than
    adding nothing."""
    if not path.is_dir():
        return [(path, input_kind(path))]
    found: list[tuple[Path, InputKind]] = [(path, "pages")] if next(page_files(path), None) else []
    for inner in sorted(path.rglob("*")):
        name = inner.name.lower()
        if inner.is_file() and name.endswith((".json", ".csv", ".csv.gz", *_JSONL_SUFFIXES, *WARC_SUFFIXES)):
            found.append((inner, input_kind(inner)))
    if not found:
        raise InputError(f"{path}: no pages, reports, batch files or crawls in this folder")
    return found


def _open(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when it ends in ``.gz``."""
    return cast(IO[bytes], gzip.open(path, "rb")) if path.name.lower().endswith(".gz") else path.open("rb")


def _holds_reports(path: Path) -> bool:
    """Whether a JSONL file holds analysed reports (batch output) rather than articles to analyse (batch input),
    judged by its first object: a ``report``, an ``error`` row or a bare report (``article``)."""
    with _open(path) as handle:
        for line in handle:
            if line.strip():
                try:
                    first = orjson.loads(line)
                except orjson.JSONDecodeError:
                    return True  # read as reports, so the bad line is reported with its number
                return isinstance(first, dict) and bool({"report", "error", "article"} & set(first))
    return True


def _report_of(value: object, where: str) -> Mapping[str, Any] | None:
    """The report in one JSON value: a batch output row's ``report``, or a bare report; None for a batch error
    row; InputError for anything else."""
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(value).__name__}")
    if "report" in value:
        report = value["report"]
        if not isinstance(report, dict):
            raise InputError(f"{where}: 'report' is not a JSON object")
        return report
    if "error" in value and "article" not in value:
        return None
    if "article" in value:
        return value
    if {"html", "text", "url"} & set(value):
        raise InputError(f"{where}: an article to analyse, not an analysed report (this file mixes the two)")
    raise InputError(f"{where}: not an analysed report (no 'report' or 'article')")


def _kept(report: Mapping[str, Any], where: str) -> KeptArticle:
    """:func:`kept_article` with ``where`` in its error."""
    try:
        return kept_article(report)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


class _Adder:
    """One ``add``: the inputs, the problems met so far and the progress shown."""

    def __init__(self, summary: AddSummary, *, skip_bad: bool, progress: bool) -> None:
        self.summary = summary
        self.skip_bad = skip_bad
        self.progress = progress

    def bad(self, problem: str) -> None:
        """Note a bad input: an error (nothing is added) unless bad inputs are skipped."""
        if not self.skip_bad:
            raise InputError(f"{problem}; nothing was added (--skip-bad adds the rest)")
        self.summary.skipped.append(problem)

    def reports(self, path: Path, kind: InputKind) -> Iterator[KeptArticle]:
        """The kept articles of a report file, read as they are."""
        if kind == "report":
            try:
                value = orjson.loads(path.read_bytes())
            except orjson.JSONDecodeError as exc:
                self.bad(f"{path}: not valid JSON: {exc}")
                return
            if isinstance(value, list):  # a list of reports
                yield from self._from_values((f"{path}[{number}]", item) for number, item in enumerate(value))
            else:
                yield from self._from_values(iter([(str(path), value)]))
            return
        with _open(path) as handle, self._bar(path) as bar:
            yield from self._from_values(self._lines(handle, path, bar))

    def _lines(self, handle: IO[bytes], path: Path, bar: tqdm[Any]) -> Iterator[tuple[str, object]]:
        """(where, decoded value) of each non-blank line; a line that is not JSON is a bad input."""
        for number, line in enumerate(handle, 1):
            if self.progress:
                bar.update(len(line))
            if not line.strip():
                continue
            try:
                yield f"{path.name}:{number}", orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                self.bad(f"{path.name}:{number}: not valid JSON: {exc}")

    def _from_values(self, values: Iterator[tuple[str, object]]) -> Iterator[KeptArticle]:
        """The kept article of each (where, value); batch error rows are counted, bad values noted."""
        for where, value in values:
            try:
                report = _report_of(value, where)
                if report is None:
                    self.summary.batch_errors += 1
                    continue
                yield _kept(report, where)
            except InputError as exc:
                self.bad(str(exc))

    def _bar(self, path: Path) -> tqdm[Any]:
        """A progress bar over the bytes of a file (the compressed ones when it is compressed)."""
        total = path.stat().st_size if not path.name.lower().endswith(".gz") else None
        return tqdm(
            total=total,
            unit="B",
            unit_scale=True,
            desc=path.name,
            disable=not self.progress,
            file=sys.stderr,
            dynamic_ncols=True,
        )

    def analysed(
        self, path: Path, kind: InputKind, analyse: Callable[[InputRecord], KeptArticle]
    ) -> Iterator[KeptArticle]:
        """The kept article of every page in ``path`` (of ``kind``), analysed with ``analyse``."""
        with tqdm(
            total=1 if kind == "page" else count_records(path),
            unit="article",
            desc=f"analysing {path.name}",
            disable=not self.progress or kind == "page",
            file=sys.stderr,
            dynamic_ncols=True,
        ) as bar:
            for record in _records(path, kind):
                bar.update(1)
                where = str(path) if kind == "page" else f"{path} ({record.id})"
                article = self._analysed(record, where, analyse)
                if article is not None:
                    self.summary.analysed += 1
                    yield article

    def _analysed(
        self, record: Record, where: str, analyse: Callable[[InputRecord], KeptArticle]
    ) -> KeptArticle | None:
        """One record's kept article, or None after noting why it (found at ``where``) has none."""
        if isinstance(record, BadRecord):
            self.bad(f"{where}: {record.reason}")
            return None
        if record.html is None and record.text is None:
            self.bad(f"{where}: only a URL; archive add analyses what it is given and fetches nothing")
            return None
        try:
            return analyse(record)
        except InputError as exc:
            self.bad(f"{where}: {exc}")
            return None


def _records(path: Path, kind: InputKind) -> Iterator[Record]:
    """The records of one input of pages: a single page file, or what the batch readers read."""
    if kind != "page":
        yield from read_input(path, max_bytes=MAX_FILE_BYTES)
        return
    if path.stat().st_size > MAX_FILE_BYTES:
        yield BadRecord(id=path.name, reason=f"the file is larger than the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
        return
    data = path.read_bytes()
    if PAGE_SUFFIXES[path.suffix.lower()] == "html":
        yield InputRecord(id=path.name, html=data)
    else:
        yield InputRecord(id=path.name, text=data)


def analyse_record(analyser: Analyser) -> Callable[[InputRecord], KeptArticle]:
    """A function analysing one page record with ``analyser`` into what the archive keeps."""

    def analyse(record: InputRecord) -> KeptArticle:
        if record.html is not None:
            report = analyser.analyse(html=record.html, url=record.url)
        else:
            report = analyser.analyse(text=record.text, url=record.url)
        return kept_article(report)

    return analyse


def _spool(articles: Iterator[KeptArticle], spool: IO[bytes]) -> int:
    """Write ``articles`` to ``spool`` as JSON lines (a crawl is never held in memory); how many there were."""
    count = 0
    for article in articles:
        spool.write(orjson.dumps(article) + b"\n")
        count += 1
    return count


def _unspooled(spool: IO[bytes], count: int) -> Iterator[KeptArticle]:
    """The next ``count`` articles :func:`_spool` wrote."""
    for _ in range(count):
        fields = orjson.loads(spool.readline())
        yield KeptArticle(**{**fields, "claims": tuple(fields["claims"])})


def add_files(
    archive: ArticleArchive,
    paths: Sequence[Path],
    analyser: Analyser | None = None,
    *,
    skip_bad: bool = False,
    progress: bool = False,
) -> AddSummary:
    """Add every report, page and crawl in ``paths`` to ``archive`` in one transaction.

    Pages are analysed by ``analyser`` (needed only when there are pages) before the archive is touched.
    A bad input (unreadable, not a report, a page that cannot be analysed) is an InputError naming it and
    the archive is unchanged; with ``skip_bad`` the bad inputs are left out and listed in the summary.
    """
    started = time.perf_counter()
    # every path is checked before any work
    kinds = [found for path in paths for found in inputs_of(path)]
    pages = [(path, kind) for path, kind in kinds if kind in ("pages", "page")]
    if pages and analyser is None:
        raise InputError(f"{pages[0][0]} holds pages to analyse, and no analyser was given")
    analyse = analyse_record(analyser) if analyser is not None else None
    summary = AddSummary()
    adder = _Adder(summary, skip_bad=skip_bad, progress=progress)
    with tempfile.TemporaryFile(prefix="factsift-archive-") as spool:
        # every page is analysed (and checked) before the transaction starts; inputs are added in their order
        analysed = [
            _spool(adder.analysed(path, kind, analyse), spool) if analyse is not None else 0 for path, kind in pages
        ]
        spool.seek(0)

        def everything() -> Iterator[KeptArticle]:
            pages_done = iter(analysed)
            for path, kind in kinds:
                if kind in ("report", "reports"):
                    yield from adder.reports(path, kind)
                else:
                    yield from _unspooled(spool, next(pages_done))

        summary.counts = archive.add(everything())
    summary.seconds = time.perf_counter() - started
    return summary
