"""The streaming benchmark's parts; run it with ``python -m bench.bench_streaming``.

``workload`` makes the fake provider's answers, ``streams`` drives them through
a streamer, ``remote`` runs the fake Bot API in a child process, and
``latency``, ``long_answer`` and ``concurrency`` are the three sections.
"""
