"""Leaf modules every feature uses: errors, ID numbers, money, code lists, pinyin, privacy masks, paths, logs, the folder lock, an SQL-script helper. They import nothing else of the core."""
