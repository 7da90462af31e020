"""``python -m sandbox`` runs the CLI."""

from sandbox.cli.main import main

raise SystemExit(main())
