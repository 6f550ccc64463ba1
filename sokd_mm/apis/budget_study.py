"""A study of methods trained at several budgets (``configs/matrix/fashion_mnist_sokd_budget.py``
names its methods ``<method>_<E>e``): one by-method table per budget, and each SoKD variant's
gap to its base method against the budget.

``split_by_budget`` turns the collected JSON of the whole SPEC (``tools/collect_results.py
--by-method --spec``) into one collected JSON per budget in the same format, the methods under
their plain names; ``budget_gaps`` reads those back for the figure ``plot_budget_gaps`` draws.
"""
import os
import re
from typing import Dict, List, Optional, Tuple

from sokd_mm.errors import SpecError

BUDGET_SUFFIX = re.compile(r'^(?P<method>.+)_(?P<epochs>\d+)e$')


def split_by_budget(collected: Dict) -> Dict[int, Dict]:
    """``{epochs: collected}``: the rows of ``<method>_<E>e`` under ``<method>``, in the
    collected order, each budget's meta saying its epochs."""
    budgets: Dict[int, Dict] = {}
    for name in collected.get('order') or sorted(collected['methods']):
        match = BUDGET_SUFFIX.match(name)
        if match is None:
            raise SpecError(f"method {name!r} has no budget suffix '_<epochs>e'; a budget "
                            'study names its methods <method>_<E>e (see '
                            'configs/matrix/fashion_mnist_sokd_budget.py)')
        epochs = int(match['epochs'])
        part = budgets.setdefault(epochs, dict(
            work_dir=collected.get('work_dir'), methods={}, teachers=collected.get('teachers',
                                                                                   {}),
            order=[], meta=dict(collected.get('meta', {}), epochs=epochs)))
        part['methods'][match['method']] = collected['methods'][name]
        part['order'].append(match['method'])
    if not budgets:
        raise SpecError('the collected results hold no method')
    return dict(sorted(budgets.items()))


def base_of(variant: str, baselines: List[str]) -> Optional[str]:
    """The baseline a SoKD variant refines: the longest baseline name among its name's
    ``_``-separated words (``sokd_fitnet_live`` -> ``fitnet``, ``sokd_plus_kd`` -> ``kd``);
    ``None`` for a method that is not a SoKD variant."""
    if not variant.startswith('sokd'):
        return None
    words = variant.split('_')
    found = [b for b in baselines if all(w in words for w in b.split('_'))]
    return max(found, key=len) if found else None


def budget_gaps(per_budget: Dict[int, Dict], metric: str = 'test_top1'
                ) -> Dict[str, Dict[str, List]]:
    """``{variant: {'base', 'epochs', 'gap', 'std'}}``: the variant's mean ``metric`` minus its
    base's at every budget holding both (points), the std of that difference's terms combined
    as independent runs (0 with one seed each)."""
    gaps: Dict[str, Dict[str, List]] = {}
    for epochs, collected in sorted(per_budget.items()):
        rows = collected['methods']
        baselines = [m for m in rows if not m.startswith('sokd')]
        for variant in rows:
            base = base_of(variant, baselines)
            if base is None:
                continue
            mine, theirs = rows[variant][metric], rows[base][metric]
            if mine['mean'] is None or theirs['mean'] is None:
                continue
            entry = gaps.setdefault(variant, dict(base=base, epochs=[], gap=[], std=[]))
            entry['epochs'].append(epochs)
            entry['gap'].append(mine['mean'] - theirs['mean'])
            entry['std'].append((mine['std'] ** 2 + theirs['std'] ** 2) ** 0.5)
    return gaps


def plot_budget_gaps(gaps: Dict[str, Dict[str, List]], path: str,
                     title: str = 'SoKD variants against their base method') -> Tuple:
    """Write the figure (PNG) of ``budget_gaps``: one line per variant, the budget on a log
    axis, zero marked; returns the figure's axes."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    ax.axhline(0.0, color='0.5', linewidth=1, linestyle='--')
    for variant, entry in gaps.items():
        ax.errorbar(entry['epochs'], entry['gap'], yerr=entry['std'], marker='o', capsize=3,
                    label=f"{variant} - {entry['base']}")
    budgets = sorted({e for entry in gaps.values() for e in entry['epochs']})
    ax.set_xscale('log')
    ax.set_xticks(budgets)
    ax.set_xticklabels([str(b) for b in budgets])
    ax.minorticks_off()
    ax.set_xlabel('student epochs')
    ax.set_ylabel('test top-1 gap to the base (points)')
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return ax


def gaps_markdown(gaps: Dict[str, Dict[str, List]]) -> str:
    """The gaps as a table: one row per variant, one column per budget (+- the combined seed
    spread where there are several seeds)."""
    budgets = sorted({e for entry in gaps.values() for e in entry['epochs']})
    lines = ['| variant - base | ' + ' | '.join(f'{b} epochs' for b in budgets) + ' |',
             '|---|' + '---:|' * len(budgets)]
    for variant, entry in gaps.items():
        at = {e: (g, s) for e, g, s in zip(entry['epochs'], entry['gap'], entry['std'])}
        cells = [(f'{at[b][0]:+.2f}' + (f' +- {at[b][1]:.2f}' if at[b][1] else ''))
                 if b in at else '-' for b in budgets]
        lines.append(f"| {variant} - {entry['base']} | " + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
