import sys, re, glob, statistics as st, collections
d = sys.argv[1]
ev = collections.defaultdict(list)  # (node, event, step, rank) -> [ns]
for f in sorted(glob.glob(d + '/*.log')):
    node = f.split('/')[-1][:-4]
    for line in open(f):
        m = re.search(r'step-trace (\d+) (\S+) (-?\d+) (-?\d+)', line)
        if m:
            ev[(node, m.group(2), int(m.group(3)), int(m.group(4)))].append(int(m.group(1)))
cut = max(v for k, vs in ev.items() if k[1] == 's.ordered' and k[2] == 0 for v in vs) - 5e9
ev = collections.defaultdict(list, {k: [x for x in vs if x >= cut] for k, vs in ev.items() if any(x >= cut for x in vs)})
nodes = sorted({k[0] for k in ev})
shards = [n for n in nodes if n.startswith('ps')]; workers = [n for n in nodes if n.startswith('w')]
def t(node, e, s, r, agg=min):
    v = ev.get((node, e, s, r)); return agg(v) / 1e6 if v else None
rank = {w: next(k[3] for k in ev if k[0] == w and k[1] == 'w.cstart') for w in workers}
rows = collections.defaultdict(list)
lo, hi = int(sys.argv[2]), int(sys.argv[3])
for k in range(lo, hi):
    ordered = min(t(s, 's.ordered', k, -1) for s in shards)
    published = max(t(s, 's.published', k, -1) for s in shards)
    rows['order->published (all shards)'].append(published - ordered)
    for wi, w in enumerate(workers):
        r = rank[w]
        wd = ev.get((w, 'w.wdata', k, -1))
        if wd:
            rows['pull: ordered->first range in (w%d)' % r].append(min(wd) / 1e6 - ordered)
            rows['pull: ordered->last range in (w%d)' % r].append(max(wd) / 1e6 - ordered)
        cs, cd, pu = t(w, 'w.cstart', k, r), t(w, 'w.computed', k, r), t(w, 'w.pushed', k, r)
        if wd and cs: rows['wdata->cstart (w%d)' % r].append(cs - max(wd) / 1e6)
        if cs and cd: rows['compute (w%d)' % r].append(cd - cs)
        if cd and pu: rows['computed->pushed: offered (w%d)' % r].append(pu - cd)
        for s in shards:
            sd = t(s, 's.data', k, r)
            if sd and cd: rows['push: computed->in at %s (w%d)' % (s, r)].append(sd - cd)
    lastdata = max(t(s, 's.data', k, rank[w]) for s in shards for w in workers)
    firstcd = min(t(w, 'w.computed', k, rank[w]) for w in workers)
    lastcd = max(t(w, 'w.computed', k, rank[w]) for w in workers)
    rows['computed spread (last-first worker)'].append(lastcd - firstcd)
    rows['push: last computed->last data in'].append(lastdata - lastcd)
    applied = max(t(s, 's.applied', k, -1) for s in shards)
    rows['server: last data->applied'].append(applied - lastdata)
    nxt = min(t(s, 's.ordered', k + 1, -1) for s in shards) if all(ev.get((s, 's.ordered', k + 1, -1)) for s in shards) else None
    if nxt: rows['applied->next ordered'].append(nxt - applied); rows['step (ordered->next ordered)'].append(nxt - ordered)
for name, v in rows.items():
    print('%-45s median %7.1f  min %7.1f  max %7.1f ms  (n=%d)' % (name, st.median(v), min(v), max(v), len(v)))
