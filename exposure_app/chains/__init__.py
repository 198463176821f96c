"""Watch-only chain clients: Esplora (Bitcoin) and JSON-RPC (EVM chains).

These are the chain counterpart of :mod:`exposure_app.exchanges`: they talk to
the outside, validate and bound every answer, and report failures as the same
:class:`~exposure_app.exchanges.errors.SyncError` kinds exchanges use.
"""
