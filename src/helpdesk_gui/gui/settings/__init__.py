"""The admin's 系统设置 page: the centre, townships, 低保 standards, users and roles."""
