"""The household editor (one archive) and the archive-life dialog."""
