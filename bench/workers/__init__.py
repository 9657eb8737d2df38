"""The workers benchmark's parts; run it with ``python -m bench.bench_workers``.

``site`` starts the fakes, the balancer and N worker processes;
``throughput`` and ``recovery`` are the measurements.
"""
