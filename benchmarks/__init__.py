"""`make bench`: the benchmark of awsprocesscreds' cache-hit hot path (see ``bench.py``).

A package so that its modules import one another the same way whether ``bench.py`` is
run as a script (``python benchmarks/bench.py``) or as ``python -m benchmarks.bench``.
``spawner.py`` is never imported: it runs as a process of its own.
"""
