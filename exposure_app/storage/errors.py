"""Storage errors with messages meant for people."""

from __future__ import annotations


class StorageError(Exception):
    """Base class; the message is safe to show to the user."""


class SchemaTooNewError(StorageError):
    """The database was written by a newer Exposure; we refuse to touch it."""


class ProfileLockedError(StorageError):
    """Another process holds the profile's write lock."""


class ReadOnlyProfileError(StorageError):
    """The profile cannot be written (read-only folder or file); it can still be read."""


class DiskFullError(StorageError):
    """A write failed for lack of space; the transaction was rolled back."""


class NotFoundError(StorageError):
    """A named record does not exist."""


class ConflictError(StorageError):
    """A record with that name already exists."""
