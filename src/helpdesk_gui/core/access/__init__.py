"""Who may do what, and the record of what they did: users and roles (auth), the append-only audit chain (audit)."""
