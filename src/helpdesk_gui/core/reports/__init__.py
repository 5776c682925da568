"""Figures over the register and the ledger: the city's periodic report (figures), register-wide counts (stats), the home worklists."""
