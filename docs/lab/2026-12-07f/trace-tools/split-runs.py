"""Splits local bench-scale nodes' appended logs (/tmp/descent-ps.log, descent-ps-shard-K.log, descent-worker-R.log)
into one directory per run, by the shard-0 s.ordered step-0 marks (one nanoTime clock for all processes on the host).
Usage: split-runs.py OUTDIR LOG... ; writes OUTDIR/run-I/<ps|ps1|w0|w1>.log with the step-trace lines only."""
import sys, re, os, collections
out, logs = sys.argv[1], sys.argv[2:]
pat = re.compile(r'step-trace (\d+) (\S+) (-?\d+) (-?\d+)')
lines = {}
for f in logs:
    b = os.path.basename(f)[:-4]
    node = 'ps0' if b == 'descent-ps' else 'ps' + b.split('-')[-1] if 'shard' in b else 'w' + b.split('-')[-1]
    lines[node] = [(int(m.group(1)), l) for l in open(f, errors='replace') for m in [pat.search(l)] if m]
starts = sorted(t for t, l in lines['ps0'] if ' s.ordered 0 -1' in l)
print('runs (shard-0 step-0 orders):', len(starts))
for i, s in enumerate(starts):
    e = starts[i + 1] if i + 1 < len(starts) else float('inf')
    d = os.path.join(out, 'run-%d' % (i + 1)); os.makedirs(d, exist_ok=True)
    for node, ls in lines.items():
        sel = [l for t, l in ls if s - 2e9 <= t < e - 2e9]
        if sel:
            open(os.path.join(d, node + '.log'), 'w').writelines(sel)
    print(d, {n: sum(1 for t, l in ls if s - 2e9 <= t < e - 2e9) for n, ls in lines.items()})
