"""Benchmarks of the NetLearn simulator (`python -m benchmarks`, `make bench`)."""
