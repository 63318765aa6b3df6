"""Warning signs in the writing: the cues a trained fact-checker notices on first read.

Each signal is a function ``(Article) -> Signal`` in its own module, registered by name with
:func:`factsift.signals.registry.signal`; the ``signals`` stage (:mod:`factsift.signals.stage`)
runs them all.  A signal is evidence with its exact spans, never a verdict.
"""
