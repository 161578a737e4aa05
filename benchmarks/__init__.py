"""Benchmarks: `python -m benchmarks.filterpattern_bench` and `python -m benchmarks.account_bench`.

They print figures and assert nothing about timings; `tests/unit/test_benchmarks_smoke.py` runs
both at a tiny scale so they cannot silently rot.
"""
