"""The window's kit: what every page and dialog builds with, one of each.

- ``models``: the table models (prepared rows, records through columns, the lazy block list) and row tones
- ``tables``: read-only table views, column widths (fitted or as the clerk left them)
- ``forms``: the form dialog that shows a refusal inside it, Yes/No, hints, button rows, list over detail
- ``fields``: money, date, code-list and yes/no fields, the fund chooser
- ``charts``: the round-number axis and the bar / column / line chart
- ``worker``: long work off the GUI thread with a progress dialog and cancel
- ``errors``: every unexpected error as a polite dialog, logged

Money is shown with ``core.base.money.yuan``.
"""
