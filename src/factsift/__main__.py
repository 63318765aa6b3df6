"""``python -m factsift`` runs the command line."""

from factsift.cli import main

raise SystemExit(main())
