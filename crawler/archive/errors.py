"""The one exception the archive raises for bad input, so callers can report it cleanly."""

from __future__ import annotations


class ArchiveError(Exception):
    """A database URL, file or record the archive cannot use.

    The message always names the offending URL, path or record URL, because DESIGN.md asks
    for "a clear error naming the input, never a traceback".
    """


class StorageFull(ArchiveError):
    """The database could not be written: the disk is full, or failing. Stop, don't go on."""
