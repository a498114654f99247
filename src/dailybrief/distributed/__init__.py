"""Distributed runs: collection, full-text extraction, embedding and the build as queue tasks
that `dailybrief worker` processes take from a broker (Dramatiq on RabbitMQ or Redis).

    broker.py     the broker and the four actors (routing: one queue per stage)
    routing.py    how sources and items are cut into tasks (host groups, batches)
    ratelimit.py  the per-host limit shared by all workers (Redis)
    work.py       what each task does, with the collector, extractor and embedder of one machine
    record.py     each task's state in the database: tries, done, dead (the dead-letter record)
    barrier.py    waiting until every task of a stage has finished
    worker.py     one worker process, or several supervised ones

docs/scaling.md describes the architecture and its figures.
"""
