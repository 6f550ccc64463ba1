"""The one scheduler of the demo and the matrix: plan order, dependencies, the jobs limit, and
a failure that stops the other runs."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from sokd_mm.apis.scheduler import PlanOrderError, FinishedHandle, run_scheduled


def _plan(pool, log, fail=None, seconds=0.05):
    """(items, start): items are (name, needs); each runs ``seconds`` in the pool."""
    lock, running = threading.Lock(), set()

    def work(name):
        with lock:
            running.add(name)
            log.append(('start', name, frozenset(running)))
        time.sleep(seconds)
        with lock:
            running.discard(name)
            log.append(('end', name, frozenset(running)))
        if name == fail:
            raise RuntimeError(f'{name} broke')
        return f'result of {name}'

    return lambda item, slot: pool.submit(work, item[0])


def _run(items, jobs, start, results=None):
    ended = []
    results = run_scheduled(items, jobs, lambda i: i[0], lambda i: i[1], start,
                            lambda i, r, s, running: ended.append((i[0], r, set(running))),
                            {} if results is None else results, poll_s=0.01)
    return results, ended


def test_runs_start_in_plan_order_after_what_they_need_at_most_jobs_at_once():
    items = [('t1', []), ('t2', []), ('s1', ['t1']), ('s2', ['t2']), ('s3', ['t1', 't2'])]
    log = []
    with ThreadPoolExecutor(4) as pool:
        results, ended = _run(items, 2, _plan(pool, log))
    assert results == {n: f'result of {n}' for n, _ in items}
    assert {n for kind, n, _ in log[:2]} == {'t1', 't2'}  # the first two ready runs start first
    assert max(len(r) for kind, _, r in log if kind == 'start') == 2  # never three at once
    events = [(kind, n) for kind, n, _ in log]
    for name, needs in items:  # each run starts after what it needs has ended
        assert all(events.index(('end', need)) < events.index(('start', name))
                   for need in needs), name
    assert sorted(n for n, _, _ in ended) == sorted(n for n, _ in items)


def test_runs_finished_before_count_as_done_and_instant_items_take_no_process():
    log = []
    with ThreadPoolExecutor(2) as pool:
        work = _plan(pool, log)
        start = lambda item, slot: FinishedHandle('reused') if item[0] == 'r' else \
            work(item, slot)  # noqa: E731
        results, ended = _run([('s', ['t']), ('r', ['s'])], 2, start, results={'t': 'old'})
    assert results == {'t': 'old', 's': 'result of s', 'r': 'reused'}
    assert [n for kind, n, _ in log] == ['s', 's']  # only s ran in the pool


def test_a_failed_run_stops_the_others_and_is_raised():
    cancelled = []

    class Handle:
        def __init__(self, name):
            self.name, self.began = name, time.time()

        def done(self):
            return self.name == 'bad' and time.time() - self.began > 0.05

        def result(self):
            raise RuntimeError('bad broke')

        def cancel(self):
            cancelled.append(self.name)

    with pytest.raises(RuntimeError, match='bad broke'):
        _run([('slow', []), ('bad', []), ('never', ['slow'])], 2,
             lambda item, slot: Handle(item[0]))
    assert cancelled == ['slow']


def test_a_run_waiting_for_what_the_plan_does_not_run_is_refused_up_front():
    with pytest.raises(PlanOrderError, match=r"s needs \['teacher'\]"):
        _run([('s', ['teacher'])], 1, lambda item, slot: FinishedHandle(None))
    with pytest.raises(PlanOrderError, match='wait for each other'):
        _run([('a', ['b']), ('b', ['a'])], 1, lambda item, slot: FinishedHandle(None))
