"""The 数据交换 page: batch history, the import wizard, the conflict screen, export."""
