"""The ``helpdesk`` command line: a parser and one module per feature over the same core as the window."""

from helpdesk_gui.cli.app import main

__all__ = ["main"]
