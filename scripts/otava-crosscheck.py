#!/usr/bin/env python3
"""Cross-check of wasmbench's change points against Apache Otava's on the same series.

    python3 -m venv /tmp/venv-otava && /tmp/venv-otava/bin/pip install apache-otava
    cargo run --release -p wasmbench --example changepoint_validation -- --reps 1 --dump series.json
    /tmp/venv-otava/bin/python scripts/otava-crosscheck.py series.json

`series.json` holds a few series of real A/A noise with injected steps (and one of pure noise),
each with the change points wasmbench's `detect` found on it (default settings: E-divisive means,
permutation test at 0.01, min_size 4, windows of 120). Otava is run three ways:

- `compute_change_points` (Otava's own method: E-divisive split in windows with a Student t-test at
  10x the p-value, then a merge step that drops weak points at the p-value) with window 120 and
  max_pvalue 0.01, the settings closest to ours;
- the same with Otava's defaults (window 50, max_pvalue 0.001);
- `compute_change_points_orig` (Matteson & James's original: permutation test, 100 permutations)
  at 0.01.
"""
import json, sys

from otava.analysis import compute_change_points, compute_change_points_orig


def otava(values, window, pvalue):
    # A plain list: Otava's detector slices its windows only out of a list, not out of an ndarray.
    points, _weak = compute_change_points(list(values), window_len=window, max_pvalue=pvalue)
    return [(cp.index, cp.stats.forward_rel_change(), cp.stats.pvalue) for cp in points]


def otava_orig(values, pvalue):
    points, _ = compute_change_points_orig(list(values), max_pvalue=pvalue, seed=1)
    return [(cp.index, None, cp.stats.pvalue) for cp in points]


def shown(points):
    if not points:
        return "–"
    return ", ".join(
        f"{i} ({c:+.1%})" if c is not None else f"{i}" for i, c, _ in points
    )


if len(sys.argv) != 2:
    sys.exit(__doc__)
series = json.load(open(sys.argv[1]))
print("| series | noise CV | step | wasmbench `detect` | Otava, window 120, p 0.01 | Otava defaults (window 50, p 0.001) | Otava original (permutations, p 0.01) |")
print("|---|---|---|---|---|---|---|")
for s in series:
    ours = [(p["index"], p["change"], p["p_value"]) for p in s["wasmbench"]]
    step = f'+{s["step"]:.0%} at {s["step_at"]}' if s["step"] else "none"
    print(
        f'| {s["name"]} | {s["cv"]:.1%} | {step} | {shown(ours)} | '
        f'{shown(otava(s["values"], 120, 0.01))} | {shown(otava(s["values"], 50, 0.001))} | '
        f'{shown(otava_orig(s["values"], 0.01))} |'
    )
