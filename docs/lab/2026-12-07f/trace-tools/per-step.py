"""Per step: the workers' compute (w.cstart -> w.computed) and the step (first s.ordered -> next), ms.
Usage: per-step.py RUNDIR"""
import sys, re, glob, os, collections
d = sys.argv[1]; ev = collections.defaultdict(list)
for f in glob.glob(d + '/*.log'):
    node = os.path.basename(f)[:-4]
    for l in open(f):
        m = re.search(r'step-trace (\d+) (\S+) (-?\d+) (-?\d+)', l)
        if m: ev[(node, m.group(2), int(m.group(3)))].append(int(m.group(1)) / 1e6)
shards = sorted({k[0] for k in ev if k[0].startswith('ps')}); workers = sorted({k[0] for k in ev if k[0].startswith('w')})
steps = sorted({k[2] for k in ev if k[1] == 's.ordered'})
for k in steps:
    c = ['%6.1f' % (min(ev[(w, 'w.computed', k)]) - min(ev[(w, 'w.cstart', k)])) if ev.get((w, 'w.computed', k)) and ev.get((w, 'w.cstart', k)) else '     -' for w in workers]
    nx = [min(ev[(s, 's.ordered', k + 1)]) for s in shards if ev.get((s, 's.ordered', k + 1))]
    st = min(nx) - min(min(ev[(s, 's.ordered', k)]) for s in shards) if len(nx) == len(shards) else float('nan')
    print('step %3d  compute %s  step %7.1f' % (k, ' '.join(c), st))
