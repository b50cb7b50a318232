"""A sync step's critical path from StepTrace marks, summing exactly to the step (ordered -> next ordered):
pull = first shard's s.ordered -> the last weights range in at the last worker; wait = -> the last worker's w.cstart;
compute = -> the last worker's w.computed (its own compute, plus the spread); offer = -> its w.pushed;
push = -> the last gradient in at the last shard (s.data); server = -> the last shard's s.applied;
gap = -> the first shard's s.ordered of the next step. Also: each worker's compute, the spread of w.computed over
workers, the spread of s.applied over shards and of the last w.wdata over shards' ranges.
Usage: critical-path.py RUNDIR FIRST_STEP LAST_STEP (run dir of split-runs.py: ps0.log, ps1.log, w0.log, w1.log)."""
import sys, re, glob, os, statistics as st, collections
d, lo, hi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ev = collections.defaultdict(list)
for f in glob.glob(d + '/*.log'):
    node = os.path.basename(f)[:-4]
    for l in open(f):
        m = re.search(r'step-trace (\d+) (\S+) (-?\d+) (-?\d+)', l)
        if m:
            ev[(node, m.group(2), int(m.group(3)))].append(int(m.group(1)) / 1e6)
shards = sorted({k[0] for k in ev if k[0].startswith('ps')}); workers = sorted({k[0] for k in ev if k[0].startswith('w')})
rows = collections.defaultdict(list)
for k in range(lo, hi + 1):
    try:
        o = min(min(ev[(s, 's.ordered', k)]) for s in shards)
        o2 = min(min(ev[(s, 's.ordered', k + 1)]) for s in shards)
        wd = max(max(ev[(w, 'w.wdata', k)]) for w in workers)
        cs = max(min(ev[(w, 'w.cstart', k)]) for w in workers)
        cd = max(min(ev[(w, 'w.computed', k)]) for w in workers)
        pu = max(min(ev[(w, 'w.pushed', k)]) for w in workers)
        da = max(max(ev[(s, 's.data', k)]) for s in shards)
        ap = max(min(ev[(s, 's.applied', k)]) for s in shards)
    except ValueError:
        continue
    comp = [min(ev[(w, 'w.computed', k)]) - min(ev[(w, 'w.cstart', k)]) for w in workers]
    rows['pull: ordered -> last range in'].append(wd - o)
    rows['wait: -> last cstart'].append(cs - wd)
    rows['compute: -> last computed (max)'].append(cd - cs)
    rows['offer: -> last pushed'].append(pu - cd)
    rows['push: -> last data in'].append(da - pu)
    rows['server: -> last applied'].append(ap - da)
    rows['gap: -> next ordered'].append(o2 - ap)
    rows['STEP (sum of the above)'].append(o2 - o)
    rows['  mean worker compute'].append(sum(comp) / len(comp))
    rows['  compute max/mean'].append(max(comp) / (sum(comp) / len(comp)))
    rows['  computed spread (last - first worker)'].append(cd - min(min(ev[(w, 'w.computed', k)]) for w in workers))
    rows['  published spread (last - first shard)'].append(max(min(ev[(s, 's.published', k)]) for s in shards) - min(min(ev[(s, 's.published', k)]) for s in shards))
    rows['  applied spread (last - first shard)'].append(ap - min(min(ev[(s, 's.applied', k)]) for s in shards))
    rows['  data in spread (last - first shard)'].append(da - min(max(ev[(s, 's.data', k)]) for s in shards))
    rows['  first shard order -> its published'].append(min(min(ev[(s, 's.published', k)]) - min(ev[(s, 's.ordered', k)]) for s in shards))
print('%s steps %d..%d, shards %s, workers %s' % (d, lo, hi, shards, workers))
for name, v in rows.items():
    print('%-42s median %7.1f  mean %7.1f  min %7.1f  max %7.1f  (n=%d)' % (name, st.median(v), st.mean(v), min(v), max(v), len(v)))
