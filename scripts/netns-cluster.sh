#!/usr/bin/env bash
# Multi-host on one machine: runs a Descent job with the parameter server and each worker in its own network
# namespace (its own IP, its own loopback), so Akka (TCP) and Aeron (UDP) really go between distinct addresses; can
# cut one worker's link mid-run to show the job survives a lost node. Needs root and iproute2 (`ip netns`).
#
# Usage: scripts/netns-cluster.sh [--workers N] [--servers S] [--cut-worker I --cut-after SECONDS]
#                                 [--step-timeout DURATION] [--mtu BYTES] [--link-qdisc 'QDISC']
#                                 [--report FILE] [--log-dir DIR] [--pair] [-- JOB ARGS...]
#   --workers N          worker nodes (default 2, 1..200)
#   --servers S          parameter-server shards (default 1, 1..9), each in its own namespace with its own link:
#                        shard I runs `ps --shard I --shards S` (shards 1.. also `--join` shard 0); S = 1 is today's
#                        single server with neither option
#   --cut-worker I       take worker node I's link down (0..N-1: the node's index here, which is not necessarily the
#                        rank the server gives it) ...
#   --cut-after SECONDS  ... this many seconds (decimals allowed) after the server starts training (default 2)
#   --step-timeout D     the server's descent.cluster.step-timeout, how soon a silent worker is dropped
#                        (default 5s with --cut-worker, else the configured one)
#   --mtu BYTES          link MTU of every veth and the bridge (default 1500; 9000 for jumbo frames, 576..65535);
#                        the nodes' Aeron UDP frames are sized to fit it (DESCENT_TRANSPORT_MTU)
#   --link-qdisc 'QDISC' the root qdisc of every veth, both ends (each node's eth0 and its port on the bridge), so
#                        each node gets a full-duplex link shaped by it, e.g. 'tbf rate 1gbit burst 500kb limit 9mb'
#                        (`descent bench scale --link-rate RATE` builds it; netem is not available everywhere)
#   --report FILE        the server (shard 0) writes its JSON report (and FILE.png) there
#   --log-dir DIR        where the node logs go (default: a new /tmp/netns-cluster.XXXXXX)
#   --pair               no job: the same network with one worker, and the node command given JOB ARGS twice, in
#                        namespace ps as `JOB ARGS --receive-at 10.77.0.1` and in w0 as `JOB ARGS --send-to 10.77.0.1`
#                        (`descent bench model --validate` measures UDP between two namespaces so: `bench udp-pair`);
#                        the exit code is the ps end's
#   JOB ARGS             the job, given to every node: PRESET or --config FILE, --set k=v ...
#                        (default: regression --set train.epochs=3)
# Environment: DESCENT_NODE_CMD, the command that runs one node (default: scripts/descent; tests give a java
# command line so no build happens under them); OMP_NUM_THREADS (default 1 per node); DESCENT_HEAP etc. as for
# scripts/descent.
# Exit code: the parameter server's (0 done, 2 bad input, 1 failure); 2 for bad usage of this script, 1 when the
# network cannot be set up.
#
# Topology (subnet 10.77.0.0/24, which exists only inside these namespaces; the host's own namespace gets neither an
# address nor a route, so no packet leaves them):
#
#   ns <id>-ps  eth0 10.77.0.1     Akka 10.77.0.1:2551 (the seed)      Aeron UDP 10.77.0.1:40123
#   ns <id>-psI eth0 10.77.0.(1+I)  Akka 10.77.0.(1+I):2551             Aeron UDP 10.77.0.(1+I):40123  (shard I ≥ 1)
#   ns <id>-wI  eth0 10.77.0.(10+I) Akka 10.77.0.(10+I):2552             Aeron UDP 10.77.0.(10+I):40124
#                 |  veth pairs
#   ns <id>-hub bridge br0, one port per node (v-ps, v-w0, v-w1, ...); cutting worker I = `ip link set v-wI down` here
#
# The bridge lives in a namespace of its own, so deleting the namespaces removes the bridge and every veth with them.
# On exit (normal, error, Ctrl-C, TERM) every process started in the namespaces is stopped and the namespaces are
# deleted. Each node's stdout+stderr goes to LOG_DIR/NAME.out and its log file to LOG_DIR/NAME.log; the server's
# output is also shown here as it runs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly subnet=10.77.0 ps_ip=10.77.0.1
readonly id="dsc$$"
hub="$id-hub"

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
  exit 2
}
bad() { echo "netns-cluster: $*" >&2; exit 2; }
note() { echo "netns-cluster: $*" >&2; }

workers=2 servers=1 cut_worker="" cut_after=2 step_timeout="" report="" log_dir="" mtu=1500 link_qdisc="" pair=""
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="${2:-}"; shift 2 || usage ;;
    --servers) servers="${2:-}"; shift 2 || usage ;;
    --link-qdisc) link_qdisc="${2:-}"; shift 2 || usage ;;
    --cut-worker) cut_worker="${2:-}"; shift 2 || usage ;;
    --cut-after) cut_after="${2:-}"; shift 2 || usage ;;
    --step-timeout) step_timeout="${2:-}"; shift 2 || usage ;;
    --mtu) mtu="${2:-}"; shift 2 || usage ;;
    --report) report="${2:-}"; shift 2 || usage ;;
    --log-dir) log_dir="${2:-}"; shift 2 || usage ;;
    --pair) pair=1; shift ;;
    -h|--help) usage ;;
    --) shift; break ;;
    *) bad "unknown option '$1' (see --help); job arguments go after --" ;;
  esac
done
job=("$@")
[ ${#job[@]} -gt 0 ] || job=(regression --set train.epochs=3)
if [ -n "$pair" ]; then
  [ ${#@} -gt 0 ] || bad "--pair needs the node command's arguments after --"
  [ "$servers" = 1 ] && [ -z "$cut_worker" ] && [ -z "$report" ] || bad "--pair takes no --servers, --cut-worker or --report"
  workers=1
fi

[[ "$workers" =~ ^[0-9]+$ ]] && [ "$workers" -ge 1 ] && [ "$workers" -le 200 ] ||
  bad "--workers '$workers' must be a number from 1 to 200"
[[ "$servers" =~ ^[0-9]+$ ]] && [ "$servers" -ge 1 ] && [ "$servers" -le 9 ] ||
  bad "--servers '$servers' must be a number from 1 to 9"
if [ -n "$cut_worker" ]; then
  [[ "$cut_worker" =~ ^[0-9]+$ ]] && [ "$cut_worker" -lt "$workers" ] ||
    bad "--cut-worker '$cut_worker' must be a worker index from 0 to $((workers - 1))"
  [[ "$cut_after" =~ ^[0-9]+(\.[0-9]+)?$ ]] || bad "--cut-after '$cut_after' must be seconds, e.g. 2 or 1.5"
  step_timeout="${step_timeout:-5s}"
fi
[[ "$mtu" =~ ^[0-9]+$ ]] && [ "$mtu" -ge 576 ] && [ "$mtu" -le 65535 ] ||
  bad "--mtu '$mtu' must be a link MTU in bytes from 576 to 65535, e.g. 1500 or 9000"
# Aeron's frame: the link MTU less the IP and UDP headers (28 bytes, 48 to be safe), down to a multiple of 32.
aeron_mtu=$(( (mtu - 48) / 32 * 32 ))
[ "$aeron_mtu" -le 65504 ] || aeron_mtu=65504
[ "$(id -u)" = 0 ] || bad "needs root (it creates network namespaces); run it with sudo"
command -v ip >/dev/null && ip netns list >/dev/null 2>&1 ||
  bad "'ip netns' is not available; install iproute2 (apt-get install -y iproute2)"
if [ -n "$report" ]; then
  mkdir -p "$(dirname "$report")"
  report="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
fi
log_dir="${log_dir:-$(mktemp -d /tmp/netns-cluster.XXXXXX)}"
mkdir -p "$log_dir"
log_dir="$(cd "$log_dir" && pwd)"

nodes=(ps)
for ((s = 1; s < servers; s++)); do nodes+=("ps$s"); done
for ((i = 0; i < workers; i++)); do nodes+=("w$i"); done
watchers=()

# Stops whatever runs in our namespaces (TERM, then KILL after 5 s), our helper jobs, then deletes the namespaces.
cleanup() {
  local rc=$? node pids deadline
  trap - EXIT INT TERM
  for pid in "${watchers[@]}"; do pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  for node in "${nodes[@]}"; do
    pids=$(ip netns pids "$id-$node" 2>/dev/null || true)
    [ -z "$pids" ] || kill $pids 2>/dev/null || true
  done
  deadline=$((SECONDS + 5))
  for node in "${nodes[@]}"; do
    while [ -n "$(ip netns pids "$id-$node" 2>/dev/null || true)" ] && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    pids=$(ip netns pids "$id-$node" 2>/dev/null || true)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
  done
  wait 2>/dev/null || true
  for node in "${nodes[@]}" hub; do
    ip netns del "$id-$node" 2>/dev/null || true
  done
  note "cleaned up namespaces $id-*; logs in $log_dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

node_ip() {
  case "$1" in
    ps) echo "$ps_ip" ;;
    ps*) echo "$subnet.$((1 + ${1#ps}))" ;;
    *) echo "$subnet.$((10 + ${1#w}))" ;;
  esac
}

setup_network() {
  ip netns add "$hub"
  ip -n "$hub" link set lo up
  ip -n "$hub" link add br0 type bridge
  ip -n "$hub" link set br0 mtu "$mtu" up
  local node ns
  for node in "${nodes[@]}"; do
    ns="$id-$node"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$hub" link add "v-$node" type veth peer name eth0 netns "$ns"
    ip -n "$hub" link set "v-$node" mtu "$mtu" master br0 up
    ip -n "$ns" link set eth0 mtu "$mtu"
    ip -n "$ns" addr add "$(node_ip "$node")/24" dev eth0
    ip -n "$ns" link set eth0 up
    if [ -n "$link_qdisc" ]; then
      # shellcheck disable=SC2086 # the qdisc is words
      tc -n "$ns" qdisc add dev eth0 root $link_qdisc &&
        tc -n "$hub" qdisc add dev "v-$node" root $link_qdisc ||
        { echo "netns-cluster: tc qdisc add dev eth0|v-$node root $link_qdisc failed" >&2; exit 1; }
    fi
  done
}

# The job's cluster key: fresh and random per run, given to every node in its environment (never on a command line).
cluster_key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')

# Runs one node in its namespace in the background; prints nothing, sets $! for the caller.
start_node() {
  local node="$1"; shift
  # shellcheck disable=SC2086 # DESCENT_NODE_CMD is a command line
  OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" DESCENT_LOG_FILE="$log_dir/$node.log" DESCENT_CLUSTER_KEY="$cluster_key" \
    DESCENT_TRANSPORT_MTU="$aeron_mtu" \
    ip netns exec "$id-$node" ${DESCENT_NODE_CMD:-"$root/scripts/descent"} "$@" --exit-with-parent \
    >"$log_dir/$node.out" 2>&1 </dev/null &
}

# Waits until FILE contains TEXT; fails after SECONDS or when process PID is gone.
await_text() {
  local file="$1" text="$2" seconds="$3" pid="$4" deadline=$((SECONDS + $3))
  until grep -qF -- "$text" "$file" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] && kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
}

# Cuts worker I's link once training runs and reports how long the server took to drop it.
cutter() {
  local ps_pid="$1" t0 t1
  await_text "$log_dir/ps.out" "workers joined" 600 "$ps_pid" || return 0
  sleep "$cut_after"
  ip -n "$hub" link set "v-w$cut_worker" down
  t0=$(date +%s.%N)
  note "cut worker node w$cut_worker ($(node_ip "w$cut_worker")): link v-w$cut_worker down ${cut_after}s after training started"
  if await_text "$log_dir/ps.out" "dropped worker rank" 3600 "$ps_pid"; then
    t1=$(date +%s.%N)
    note "the server dropped the cut worker $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s after the cut" \
      "(step-timeout $step_timeout): $(grep -m1 -F 'dropped worker rank' "$log_dir/ps.out")"
  fi
}

if [ -z "${DESCENT_NODE_CMD:-}" ]; then
  # Build once here: every node's launcher would otherwise build concurrently when the sources changed.
  "$root/scripts/descent" --version >/dev/null
fi
setup_network
note "namespaces $id-ps (${ps_ip}) and $id-w0..w$((workers - 1)) (${subnet}.10..) on bridge br0 in $hub;" \
  "link MTU $mtu, Aeron frames $aeron_mtu bytes"
[ -z "$link_qdisc" ] || note "every link shaped both ways: tc qdisc add dev eth0 root $link_qdisc (in each node's" \
  "namespace) and dev v-NODE root $link_qdisc (on the bridge)"

if [ -n "$pair" ]; then
  start_node ps "${job[@]}" --receive-at "$ps_ip"
  ps_pid=$!
  start_node w0 "${job[@]}" --send-to "$ps_ip"
  note "pair: ps ($ps_ip) receives, w0 ($(node_ip w0)) sends: $log_dir/ps.out, $log_dir/w0.out"
  rc=0
  wait "$ps_pid" || rc=$?
  cat "$log_dir/ps.out"
  note "the pair's receiver exited with $rc"
  exit "$rc"
fi

ps_args=(ps "${job[@]}" --bind "$ps_ip:2551" --aeron "$ps_ip:40123" --workers "$workers")
[ -z "$step_timeout" ] || ps_args+=(--cluster "step-timeout=$step_timeout")
[ "$servers" = 1 ] || ps_args+=(--shard 0 --shards "$servers")
[ -z "$report" ] || ps_args+=(--report "$report")
start_node ps "${ps_args[@]}"
ps_pid=$!
note "ps: $log_dir/ps.out, $log_dir/ps.log"
for ((s = 1; s < servers; s++)); do
  ip=$(node_ip "ps$s")
  shard_args=(ps "${job[@]}" --bind "$ip:2551" --aeron "$ip:40123" --workers "$workers" --shard "$s"
    --shards "$servers" --join "$ps_ip:2551")
  [ -z "$step_timeout" ] || shard_args+=(--cluster "step-timeout=$step_timeout")
  start_node "ps$s" "${shard_args[@]}"
  note "ps$s ($ip, shard $s of $servers): $log_dir/ps$s.out, $log_dir/ps$s.log"
done
tail -n +1 -f --pid="$ps_pid" "$log_dir/ps.out" 2>/dev/null &
watchers+=($!)
for ((i = 0; i < workers; i++)); do
  ip=$(node_ip "w$i")
  start_node "w$i" worker "${job[@]}" --join "$ps_ip:2551" --bind "$ip:2552" --aeron "$ip:40124"
  note "w$i ($ip): $log_dir/w$i.out, $log_dir/w$i.log"
done
if [ -n "$cut_worker" ]; then
  cutter "$ps_pid" &
  watchers+=($!)
fi

rc=0
wait "$ps_pid" || rc=$?
# Live workers leave by themselves once the server is done; the cut one cannot and is stopped by cleanup.
for ((i = 0; i < workers; i++)); do
  [ "$i" = "$cut_worker" ] && continue
  deadline=$((SECONDS + 15))
  while [ -n "$(ip netns pids "$id-w$i" 2>/dev/null || true)" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
done
sleep 0.2 # let the output tail catch up
note "parameter server exited with $rc"
exit "$rc"
