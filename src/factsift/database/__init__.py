"""Whole-database tasks across every store of a store URL: schema upgrades, dump and load (``factsift db``)."""
