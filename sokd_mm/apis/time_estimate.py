"""How long the rest of a plan of runs will take: the demo's "about N min left".

Counting runs is wrong when runs differ (a SoKD run's search iterations cost several plain
ones). Here each run is predicted as its iterations times a per-iteration cost of its *kind*
(teacher, SoTeacher teacher, student alone, KD, FitNet, SoKD, ...; a SoKD run's search
iterations apart from its other ones): measured on the finished runs of that kind, else
scaled from a measured kind by the relative costs in ``RELATIVE`` (CPU measurements of the
digits demo's runs). The remaining runs are then laid out on ``jobs`` slots in plan order,
each starting once its teacher has finished, as the pipeline schedules them.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional

# Per-iteration cost relative to a KD step (ResNet20 -> ResNet8), from the digits demo's runs
# (30 epochs each; teachers 113 s, ResNet8 alone 45 s, KD 80 s, FitNet 86 s, SoKD 175-185 s
# with 5 search epochs). 'search' is a SoKD search iteration.
RELATIVE = {'teacher': 1.41, 'soteacher': 1.43, 'plain': 0.56, 'kd': 1.0, 'fitnet': 1.07,
            'sokd': 1.45, 'sokd_plus': 1.1, 'search': 6.25}


@dataclass
class PlannedRun:
    name: str
    kind: str                   # a RELATIVE key (method_catalogue.cost_kind)
    iterations: int             # all its training iterations
    search_iterations: int = 0  # of which SoKD search iterations
    after: Optional[str] = None  # the run it waits for (its teacher)


def iteration_costs(finished: List[Dict]) -> Dict[str, float]:
    """Seconds per iteration of each kind (and 'search') measured on finished runs, each
    with ``kind``, ``iterations``, ``search_iterations``, ``seconds`` and optionally
    ``search_seconds`` (the time its search iterations took)."""
    sums: Dict[str, list] = {}
    for run in finished:
        seconds, iters = run['seconds'], run['iterations']
        search_iters = run.get('search_iterations', 0)
        if search_iters and run.get('search_seconds') is not None:
            sums.setdefault('search', []).append((run['search_seconds'], search_iters))
            seconds, iters = seconds - run['search_seconds'], iters - search_iters
        elif search_iters:  # no split recorded: the search's share from the relative costs
            ratio = RELATIVE['search'] / RELATIVE[run['kind']]
            unit = seconds / (iters - search_iters + ratio * search_iters)
            sums.setdefault('search', []).append((unit * ratio * search_iters, search_iters))
            seconds, iters = unit * (iters - search_iters), iters - search_iters
        if iters > 0:
            sums.setdefault(run['kind'], []).append((seconds, iters))
    return {kind: sum(s for s, _ in v) / sum(i for _, i in v) for kind, v in sums.items()}


def predict_seconds(run: PlannedRun, costs: Dict[str, float]) -> Optional[float]:
    """A run's duration from the measured costs (None before anything is measured)."""
    if not costs:
        return None

    def cost(kind: str) -> float:
        if kind in costs:
            return costs[kind]
        # scale from the measured kinds, weighting each by how much it was measured
        scaled = [costs[k] / RELATIVE[k] for k in costs if k in RELATIVE]
        return RELATIVE[kind] * sum(scaled) / len(scaled)

    return ((run.iterations - run.search_iterations) * cost(run.kind)
            + run.search_iterations * cost('search'))


def seconds_left(plan: List[PlannedRun], finished: List[Dict], running: Dict[str, float],
                 jobs: int, done: Optional[set] = None) -> Optional[float]:
    """Wall-clock seconds until the last run of ``plan`` ends: ``finished`` runs' records
    (the measurements), ``running`` maps a started run's name to its seconds so far, ``jobs``
    runs at once; ``done``: the names of every finished run (default: ``finished``'s)."""
    costs = iteration_costs(finished)
    if not costs:
        return None
    done = set(done) if done is not None else {r['name'] for r in finished}
    # Each slot is free at some time from now; a running run occupies one until it ends.
    slots = []
    end_of: Dict[str, float] = {name: 0.0 for name in done}
    for run in plan:
        if run.name in running:
            left = max(predict_seconds(run, costs) - running[run.name], 0.0)
            slots.append(left)
            end_of[run.name] = left
    slots += [0.0] * max(jobs - len(slots), 0)
    for run in plan:
        if run.name in done or run.name in running:
            continue
        slots.sort()
        start = max(slots[0], end_of.get(run.after, 0.0) if run.after else 0.0)
        end_of[run.name] = start + predict_seconds(run, costs)
        slots[0] = end_of[run.name]
    return max([0.0, *end_of.values()])
