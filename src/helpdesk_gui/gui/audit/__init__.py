"""The audit viewer (审计日志) for admins."""
