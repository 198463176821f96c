"""Local persistence: the SQLite profile database and the OS keyring.

Threading: a :class:`~exposure_app.storage.store.ProfileStore` and its
repositories belong to the thread that opened them (sqlite3 connections are
not shared across threads). Other threads open their own store on the same
file; WAL mode lets readers run while one writer writes.
"""
