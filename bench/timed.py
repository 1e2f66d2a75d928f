"""The timing loop shared by the Python peers' runners (bench/jax/run.py, bench/torch/run.py)."""
import resource
import time


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def time_body(body, warmup, repetitions, finish=lambda output: output):
    """`warmup` untimed calls, then max(1, repetitions) timed calls of body() (finish(output) waits for
    asynchronous results, as jax.block_until_ready). Returns (times in seconds, process CPU time ÷ wall
    time over the timed calls, the last output)."""
    for _ in range(warmup):
        finish(body())
    times, output = [], None
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    for _ in range(max(1, repetitions)):
        start = time.perf_counter()
        output = finish(body())
        times.append(time.perf_counter() - start)
    return times, (cpu_seconds() - cpu0) / max(time.perf_counter() - wall0, 1e-9), output
