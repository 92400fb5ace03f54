"""`make bench`: the benchmark harness of PERFORMANCE.md (see bench/README.md)."""
