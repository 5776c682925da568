"""The backup page (数据备份)."""
