"""Throughput benchmarks (``make bench``): a synthetic corpus, parse vs a plain-Python floor, end to end."""
