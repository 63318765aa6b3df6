"""Find better coverage (SIFT step 3): what other outlets reported about each claim, and whether they agree."""
