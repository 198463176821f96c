"""Exchange access through ccxt (imported lazily, off the GUI start-up path).

Adapters read every wallet of an account, validate what comes back, and
report what the API key may do. They run on the sync service's asyncio loop.
"""
