"""Benchmarks: the sweep, /touch and the outbox on books of 10k to 1M customers
(``python -m benchmarks.run --help``; see docs/performance.md)."""
