"""Loopback exchange emulators (aiohttp on 127.0.0.1) for tests and the demo.

Each emulator speaks one exchange's documented wire format for every endpoint
the app calls (paths, auth headers, signature checks, error codes, HTTP
statuses, rate-limit headers) so that the real ccxt client can be pointed at
it through the account's API URL override.
"""
