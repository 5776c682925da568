"""Reception log, care visits and pairs, and service cases: the window pages and their dialogs."""
