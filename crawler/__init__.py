"""report-archiver: scrape report sites into clean, searchable, re-parseable records."""

__version__ = "0.1.0"
