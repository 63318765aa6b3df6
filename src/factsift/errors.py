"""Errors factsift raises on purpose, each with a message meant for the user."""


class FactsiftError(Exception):
    """Base class: anything factsift reports to the user as one clear line."""


class InputError(FactsiftError):
    """The input cannot be analysed (empty, binary, too large, undecodable, unreachable...).

    The CLI turns it into exit code 2 with its message on stderr.
    """


class FetchRefused(InputError):
    """A URL was refused before or during fetching (private address, bad scheme, size...)."""


class OverBudget(InputError):
    """An analysis would exceed its size or time budget (``max_text_chars``, ``time_budget``)."""

    def __init__(self, message: str, *, too_large: bool) -> None:
        super().__init__(message)
        self.too_large = too_large
