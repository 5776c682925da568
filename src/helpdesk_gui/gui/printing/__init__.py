"""Printing in the window: the 打印 page, print preview, printing to a printer, save as PDF."""
