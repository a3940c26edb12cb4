"""Spiders navigate: list pages -> article pages -> continuation pages. They never parse content."""
