"""Benchmarks: figures for speed and scale, printed as a table.

Run with ``make bench`` (or ``python -m benchmarks``). Every figure is a ratio
or comparison measured in the same run, so it holds on a noisy machine. They
are not part of the pass/fail test run.
"""
