"""Benchmarks at newsroom scale: seeding, load, report (`make bench`). Not part of the test suite."""
