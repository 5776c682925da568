"""Casework beside the register: the reception log, visits and pairs, service cases (legal aid, jobs)."""
