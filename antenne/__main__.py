"""`python -m antenne`: the same command as the installed `antenne` script."""

from antenne.cli.main import main

raise SystemExit(main())
