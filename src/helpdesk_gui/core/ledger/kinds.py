"""The kinds of ledger entry: money in and money out (the schema's CHECK constraints were built from these)."""

from __future__ import annotations

INFLOW_KINDS = ("allocation", "donation", "interest", "other_in", "repayment", "transfer_in", "contribution")
OUTFLOW_KINDS = ("payment", "loan", "transfer_out", "mutual_aid")
