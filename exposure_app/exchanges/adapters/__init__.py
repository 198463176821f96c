"""Per-exchange adapters; :func:`adapter_for` picks one by ccxt id."""
