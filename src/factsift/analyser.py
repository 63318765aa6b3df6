"""An :class:`Analyser`: one configuration and the models loaded under it, for analysing many articles.

``factsift.analyse(...)`` is the one-line convenience; a server or a batch job that wants its own
settings (say, its own clickbait model) makes an ``Analyser(config)`` and keeps it::

    from factsift.analyser import Analyser
    from factsift.config import config_at_edge

    analyser = Analyser(config_at_edge(fast=True))
    report = analyser.analyse(text=article_text)

Two analysers in one process never share a configured model: each loads and keeps its own.
"""

from __future__ import annotations

from typing import TypeVar

from factsift.config import Config, config_at_edge
from factsift.context import Context, ModelCache
from factsift.model import Report
from factsift.pipeline import analyse_with

S = TypeVar("S")


class Analyser:
    """Analyses articles under one :class:`~factsift.config.Config`, loading each model it needs once."""

    def __init__(self, config: Config | None = None) -> None:
        """Keep ``config`` (default: the one built at the edge from the environment and factsift.toml)."""
        self.config = config if config is not None else config_at_edge()
        self.models = ModelCache()

    def analyse(
        self,
        source: str | None = None,
        *,
        url: str | None = None,
        html: str | bytes | None = None,
        text: str | bytes | None = None,
    ) -> Report:
        """The evidence report of one article (arguments as :func:`factsift.analyse`'s)."""
        return analyse_with(self.config, self.models, source, url=url, html=html, text=text)

    def context(self, section: S) -> Context[S]:
        """A context for calling one stage or signal directly with ``section`` and this analyser's models."""
        return Context(section, self.models)
