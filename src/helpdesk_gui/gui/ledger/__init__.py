"""The fund ledger window (资金台账): entries, fund overview with chart, rosters, loans, reports."""
