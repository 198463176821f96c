"""Counterparty risk: the catalogue of custodians, the event history, outflow
signals and the scoring that turns them into warnings. Pure Python (no Qt,
ccxt or SQLite); data comes in through the resource locator or arguments.
"""
