#!/usr/bin/env python3
"""Where a step goes under ssp vs sync: reads the StepTrace lines of a parameter server's log and its workers' logs
(DESCENT_LOG_LEVEL=DEBUG, one DESCENT_LOG_FILE per run; bench scale writes PREFIX-ps.log, PREFIX-worker-K.log) and
prints per-phase means over the measured steps. Usage: ssp_trace.py PREFIX [first_step] [last_step]."""
import collections, statistics, sys

def load(path):
    marks = collections.defaultdict(dict)  # (event, step, rank) -> nanos
    for line in open(path):
        if 'step-trace' not in line:
            continue
        parts = line.split()
        i = parts.index('step-trace')
        nanos, event, step, rank = int(parts[i + 1]), parts[i + 2], int(parts[i + 3]), int(parts[i + 4])
        marks[(event, step, rank)] = nanos
    return marks

def mean_ms(values):
    return (f"{statistics.mean(values) / 1e6:6.2f} (median {statistics.median(values) / 1e6:5.2f})"
            if values else '   n/a')

prefix = sys.argv[1]
first = int(sys.argv[2]) if len(sys.argv) > 2 else 100
last = int(sys.argv[3]) if len(sys.argv) > 3 else 10 ** 9
ps = load(prefix + '-ps.log')
for index in (0, 1):
    w = load(f'{prefix}-worker-{index}.log')
    rank = next(r for (e, s, r) in w if e == 'w.cstart')
    steps = sorted(s for (e, s, r) in w if e == 'w.cstart' and first <= s <= last)
    phases = collections.defaultdict(list)
    for s in steps:
        g = lambda e, st=s, r=rank, src=w: src.get((e, st, r))
        cs, cd, pu, nx = g('w.cstart'), g('w.computed'), g('w.pushed'), w.get(('w.cstart', s + 1, rank))
        wd = w.get(('w.wdata', s + 1, -1))
        sd, sa = ps.get(('s.data', s, rank)), ps.get(('s.applied', s, rank))
        pub = ps.get(('s.published', s + 1, rank))
        if None in (cs, cd, pu, nx):
            continue
        phases['step (cstart→next cstart)'].append(nx - cs)
        phases['compute'].append(cd - cs)
        phases['push (computed→pushed)'].append(pu - cd)
        phases['after push until next cstart'].append(nx - pu)
        if sd:
            phases['  push end→server has data'].append(sd - pu)
        if sd and sa:
            phases['  server data→applied (ssp) / all applied'].append(sa - sd)
        if sa and pub:
            phases['  server applied→published next'].append(pub - sa)
        if pub and wd:
            phases['  published→worker has weights'].append(wd - pub)
        if wd:
            phases['  worker has weights→cstart'].append(nx - wd)
    print(f'rank {rank}: {len(steps)} steps {first}..{min(last, steps[-1] if steps else 0)}')
    for name, values in phases.items():
        print(f'  {name:45s} {mean_ms(values)}')
