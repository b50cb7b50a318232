#!/usr/bin/env bash
# Every 2 s: CPU ticks (utime+stime, /proc/PID/stat) each java process of this worktree used in the last 2 s, by role.
# Usage: cpu-sampler.sh SECONDS WORKTREE-PATH-FRAGMENT
end=$(( $(date +%s) + $1 )); frag=$2; declare -A last
while [ "$(date +%s)" -lt "$end" ]; do
  line="$(date +%H:%M:%S)"
  for p in $(pgrep java); do
    cmd=$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null) || continue
    case "$cmd" in *"$frag"*) ;; *) continue ;; esac
    role=$(echo "$cmd" | grep -o 'DescentCli [a-z-]*\|bench [a-z-]*\|ceiling[a-z-]*' | head -1 | awk '{print $2}')
    t=$(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null) || continue
    [ -n "${last[$p]}" ] && line="$line $role:$p:$(( t - ${last[$p]} ))"
    last[$p]=$t
  done
  echo "$line"; sleep 2
done
