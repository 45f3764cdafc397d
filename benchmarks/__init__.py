"""Benchmarks of the studio against plain pandas / SDV / SDMetrics: ``python -m benchmarks``."""
