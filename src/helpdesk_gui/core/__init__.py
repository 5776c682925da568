"""The headless core: domain rules and the SQLite register. Never imports Qt."""
