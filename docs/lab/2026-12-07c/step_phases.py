import sys,re,statistics as st
ev=[]
for f in sys.argv[1:]:
    for l in open(f):
        if 'step-trace' in l:
            p=l.split(); ev.append((int(p[-4]),p[-3],int(p[-2]),int(p[-1])))
ev.sort()
# per step: times
from collections import defaultdict
T=defaultdict(dict)
cur=None
for t,e,s,r in ev:
    if e=='s.fold': s=cur
    if e=='s.data' or e=='s.meta' or e=='s.fold': cur=s
    key=(e,r)
    T[s].setdefault(key,t)
    if e=='w.wdata': T[s][('w.wdata.last',r)]=t
def d(s,a,b):
    try: return (T[s][b]-T[s][a])/1e6
    except KeyError: return None
steps=sorted(k for k in T if k is not None and k>=int(len(T)/2))
rows=defaultdict(list)
workers=sorted(set(r for (e,r) in T[steps[0]] if e.startswith('w.c')))
for s in steps[:-1]:
  for w in workers:
    for name,a,b in [('compute',('w.cstart',w),('w.computed',w)),('push',('w.computed',w),('w.pushed',w)),
                     ('pushed->s.data',('w.pushed',w),('s.data',w)),('pushed->meta',('w.pushed',w),('s.meta',w))]:
        v=d(s,a,b); 
        if v is not None: rows[name+str(w)].append(v)
  lastmeta=max(T[s][k] for k in T[s] if k[0]=='s.meta')
  for name,a in [('lastmeta->applied',None)]:
    rows[name].append((T[s][('s.applied',-1)]-lastmeta)/1e6)
  n=s+1
  if n in T and ("s.ordered",-1) in T[n] and ("s.published",-1) in T[n]:
    rows['applied->ordered(next)'].append((T[n][('s.ordered',-1)]-T[s][('s.applied',-1)])/1e6)
    rows['ordered->published'].append((T[n][('s.published',-1)]-T[n][('s.ordered',-1)])/1e6)
    rows['ordered->wdata.last'].append((T[n][('w.wdata.last',-1)]-T[n][('s.ordered',-1)])/1e6)
    w0=workers[0]
    rows['step(cstart->cstart)'].append((T[n][('w.cstart',w0)]-T[s][('w.cstart',w0)])/1e6)
    for w in workers:
      rows['wdata.last->cstart'+str(w)].append((T[n][('w.cstart',w)]-T[n][('w.wdata.last',-1)])/1e6)
for k,v in rows.items():
    print("%-26s median %7.2f  min %7.2f  n=%d"%(k,st.median(v),min(v),len(v)))
