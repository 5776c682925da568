"""``python -m helpdesk_gui`` runs the command line."""

from helpdesk_gui.cli import main

raise SystemExit(main())
