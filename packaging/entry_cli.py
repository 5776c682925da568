"""Frozen entry point of ``helpdesk`` (the command line)."""

from helpdesk_gui.cli import main

raise SystemExit(main())
