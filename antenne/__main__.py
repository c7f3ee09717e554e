"""`python -m antenne`: the same command as the installed `antenne` script."""

from antenne.adapters.cli import main

raise SystemExit(main())
