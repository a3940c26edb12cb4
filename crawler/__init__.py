"""report-archiver: scrape report sites into clean, searchable, re-parseable records."""

import os

__version__ = "0.1.0"

# Scrapy's cookie middleware builds a tldextract instance at import time, which would fetch
# the public suffix list over the network; the snapshot bundled with tldextract is enough.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
