"""Synthetic registers for demos and benchmarks (never real people)."""
