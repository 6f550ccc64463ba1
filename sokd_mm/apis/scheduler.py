"""The one scheduler of every plan of runs: the demo's pipeline (``pipeline.run_pipeline``, runs
in worker processes) and the matrix's SPECs (``matrix.run_matrix``, ``tools/train.py``
processes). Items start in plan order, at most ``jobs`` at a time, each once the items it
depends on have finished; a failure stops the others and is raised.

What starts an item is the caller's: ``start(item, slot)`` returns a handle with ``done()``,
``result()`` (the item's result, or the exception it failed with) and ``cancel()``, which a
``concurrent.futures.Future`` already is (``FinishedHandle`` wraps a result at hand, for items
that need no process). mmengine has no scheduler of whole runs: its runner trains one.
"""
import time
from typing import Any, Callable, Dict, Iterable, List, Sequence, TypeVar

from sokd_mm.errors import SokdError

Item = TypeVar('Item')


class PlanOrderError(SokdError, ValueError):
    """An item waits for a run that is not in the plan (or not before it)."""


class FinishedHandle:
    """The handle of an item that finished as it started (its result at hand)."""

    def __init__(self, result: Any) -> None:
        self._result = result

    def done(self) -> bool:
        return True

    def result(self) -> Any:
        return self._result

    def cancel(self) -> bool:
        return False


def run_scheduled(items: Sequence[Item], jobs: int, name: Callable[[Item], str],
                  needs: Callable[[Item], Iterable[str]], start: Callable[[Item, int], Any],
                  finished: Callable[[Item, Any, float, Dict[str, float]], None],
                  results: Dict[str, Any], poll_s: float = 0.5) -> Dict[str, Any]:
    """Run ``items`` (module doc) into ``results`` (name -> result; pre-filled with the runs
    finished before, which count as done) and return it. ``needs(item)``: the names it waits
    for; ``finished(item, result, seconds, running)`` is called as each one ends, ``running``
    mapping the names still running to their seconds so far (for a time estimate)."""
    pending: List[Item] = list(items)
    known = set(results) | {name(item) for item in pending}
    for item in pending:
        missing = [n for n in needs(item) if n not in known]
        if missing:
            raise PlanOrderError(f'{name(item)} needs {missing}, which the plan does not run')
    running: Dict[int, tuple] = {}  # slot -> (item, handle, start time)

    def stop_all() -> None:
        for _, handle, _ in running.values():
            handle.cancel()

    while pending or running:
        for slot in [s for s in range(jobs) if s not in running]:
            ready = next((i for i in pending if all(n in results for n in needs(i))), None)
            if ready is None:
                break
            pending.remove(ready)
            try:
                running[slot] = (ready, start(ready, slot), time.time())
            except BaseException:
                stop_all()
                raise
        if not running:
            raise PlanOrderError('no run can start: '
                                 f'{[name(i) for i in pending]} wait for each other')
        ended = [slot for slot, (_, handle, _) in running.items() if handle.done()]
        if not ended:
            time.sleep(poll_s)
            continue
        for slot in ended:
            item, handle, began = running.pop(slot)
            try:
                result = handle.result()
                results[name(item)] = result
                now = time.time()
                finished(item, result, now - began,
                         {name(i): now - t for i, _, t in running.values()})
            except BaseException:
                stop_all()
                raise
    return results
