"""Bringing books in and out: CRM files read as people really have them (encodings,
delimiters, date and money formats), presets of column names, the export files, and the
iCalendar feed. Pure parsing and mapping; the use cases are in ``bot.services``."""
