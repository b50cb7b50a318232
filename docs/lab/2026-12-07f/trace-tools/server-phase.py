"""A shard's server phase by part, per shard, medians over steps: last gradient data in -> last meta in -> last fold
start -> applied, ms. Usage: server-phase.py RUNDIR FIRST_STEP LAST_STEP. The s.fold marks carry no step: a step's
are those between its last s.data and its s.applied."""
import sys, re, glob, os, statistics as st, collections
d, lo, hi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for f in sorted(glob.glob(d + '/ps*.log')):
    ev = collections.defaultdict(list); folds = []
    for l in open(f):
        m = re.search(r'step-trace (\d+) (\S+) (-?\d+) (-?\d+)', l)
        if m:
            t = int(m.group(1)) / 1e6
            if m.group(2) == 's.fold':
                folds.append(t)
            else:
                ev[(m.group(2), int(m.group(3)))].append(t)
    rows = collections.defaultdict(list)
    for k in range(lo, hi + 1):
        if not ev.get(('s.applied', k)) or not ev.get(('s.data', k)):
            continue
        data, ap = max(ev[('s.data', k)]), min(ev[('s.applied', k)])
        meta = max(ev.get(('s.meta', k), [data]))
        fs = [x for x in folds if data - 1e-6 <= x <= ap]
        lastfold = max(fs) if fs else meta
        rows['data -> last meta'].append(meta - data)
        rows['last meta -> last fold start'].append(lastfold - meta)
        rows['last fold start -> applied (fold + finite check + update)'].append(ap - lastfold)
        rows['data -> applied'].append(ap - data)
    print(os.path.basename(f), ' '.join('%s %.1f' % (n, st.median(v)) for n, v in rows.items()))
