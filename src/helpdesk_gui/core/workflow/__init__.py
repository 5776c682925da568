"""The assistance workflow: applications, home visits and publicity (steps), approval and decisions, caps, yearly review, campaigns."""
