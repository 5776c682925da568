"""The fund ledgers: funds, vouchers and entries (posting), payment rosters and payroll, loans, periods and closing, ledger reports."""
