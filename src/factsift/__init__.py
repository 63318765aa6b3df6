"""factsift: an offline news credibility analyser.

``factsift.analyse(...)`` takes a news article (URL, saved HTML page or text) and returns a
:class:`~factsift.model.Report`: the cleaned article, the outlet's reliability, check-worthy
claims, matching fact-checks, warning signs in the writing and a calibrated risk score.
"""

from factsift.errors import FactsiftError, InputError
from factsift.model import Report
from factsift.pipeline import analyse
from factsift.version import __version__

__all__ = ["FactsiftError", "InputError", "Report", "__version__", "analyse"]
