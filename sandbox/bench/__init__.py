"""Benchmark suites: cells of (learner, task, seed), run locally or on Ray, resumable."""
