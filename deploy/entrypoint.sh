#!/usr/bin/env bash
# Container entrypoint of Descent: starts the parameter server or a worker from environment variables and the job's
# HOCON file, with the JVM flags every Descent JVM needs. Any other arguments run the `descent` command as given
# (e.g. `train fashion-mnist`, `k8s render ...`).
#
# Environment (set by k8s/base; everything but DESCENT_ROLE, and DESCENT_SEED for a worker, is optional):
#   DESCENT_ROLE         ps | worker (or the first argument)
#   DESCENT_CONFIG       job HOCON file, default /etc/descent/job.conf (the ConfigMap's mount)
#   DESCENT_SEED         worker: host:port of the Akka seed node (the first parameter-server pod)  -> --join
#   DESCENT_BIND         host:port of this node's Akka endpoint                                    -> --bind
#   DESCENT_AERON        host:port this node receives Aeron (UDP) buffers on                      -> --aeron
#   DESCENT_RANK         worker: its preferred rank; else JOB_COMPLETION_INDEX (indexed Job)      -> --cluster rank=N
#   DESCENT_WORKERS      ps: the number of workers to wait for                                    -> --workers
#   DESCENT_CHECKPOINT_DIR  ps: checkpoint directory (on the PVC)                                 -> --checkpoint-dir
#   DESCENT_RESUME       ps: auto (default: --resume the checkpoint directory when it holds a complete checkpoint
#                        or the COMPLETE marker, so a restarted server continues, or exits 0 after success), never,
#                        or a directory                                                           -> --resume
#   DESCENT_CLUSTER      descent.cluster settings, white-space separated key=value  -> --cluster key=value each
#   DESCENT_ARGS         extra arguments appended to the command line (split on white space)
#   DESCENT_HEAP, DESCENT_MAX_OFFHEAP, DESCENT_MAX_PHYSICAL   -Xmx and JavaCPP limits; by default derived from
#                        the container's memory limit (25 %, 40 %, 90 %), else 4g / 6G / 12G as scripts/descent
#   DESCENT_JAVA_OPTS    extra JVM options; OPENBLAS_CORETYPE picked from the CPU flags when unset
#   DESCENT_CLUSTER_KEY_FILE  file holding the cluster's shared key (k8s/base mounts the Secret there)
#                        -> --cluster-key-file FILE (the path; the key itself is never on a command line). Workers must
#                        prove the key to the parameter server to register. At least 16 bytes, and not k8s/base's
#                        placeholder. Wins over DESCENT_CLUSTER_KEY, which is then removed from the environment.
#   DESCENT_CLUSTER_KEY  the key itself, for `docker run -e` (read by the process from its environment, never put on
#                        the command line; readable in /proc/<pid>/environ, so prefer the file); unset = no key
#                        (anyone reaching the server can join)
#   DESCENT_JAVACPP_CACHE  where JavaCPP extracts ND4J's native libraries, default /tmp/javacpp (the root file system
#                        may be read-only: k8s/base mounts an emptyDir at /tmp)
# Exit: a setting that is missing or malformed prints one line, writes it to the termination log and exits 64, so the
# pod restarts and `kubectl describe` / `descent k8s status` say why.
set -euo pipefail

readonly EX_CONFIG=64
home="${DESCENT_HOME:-/opt/descent}"
termination_log="${DESCENT_TERMINATION_LOG:-/dev/termination-log}"

fail() {
  local line="descent-entrypoint: $*"
  echo "$line" >&2
  if [ -w "$termination_log" ] || [ -w "$(dirname "$termination_log")" ]; then
    echo "$line" > "$termination_log" 2>/dev/null || true
  fi
  exit "$EX_CONFIG"
}

require_host_port() {
  local name="$1" value="$2"
  [[ "$value" =~ ^[^[:space:]:]+:[0-9]{1,5}$ ]] ||
    fail "$name='$value' is not host:port (e.g. descent-ps-0.descent-ps.default.svc.cluster.local:2551)"
}

# The container's memory limit in bytes (cgroup v2, then v1), or nothing when unlimited or unknown.
memory_limit() {
  local file value
  for file in "${DESCENT_CGROUP_MEMORY_MAX:-}" /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
    if [ -n "$file" ] && [ -r "$file" ]; then
      value=$(tr -d '[:space:]' < "$file")
      if [[ "$value" =~ ^[0-9]+$ ]] && [ "$value" -lt $((1 << 50)) ]; then
        echo "$value"
      fi
      return
    fi
  done
}

memory_flags() {
  local limit heap offheap physical
  limit=$(memory_limit)
  if [ -n "$limit" ]; then
    heap="$((limit / 4 / 1048576))m"; offheap="$((limit * 2 / 5 / 1048576))M"
    physical="$((limit * 9 / 10 / 1048576))M"
  else
    heap=4g; offheap=6G; physical=12G
  fi
  # AlwaysPreTouch: heap pages resident once committed, so the pod's memory is flat after start-up (scripts/descent).
  echo "-Xmx${DESCENT_HEAP:-$heap}" \
    "-Dorg.bytedeco.javacpp.maxbytes=${DESCENT_MAX_OFFHEAP:-$offheap}" \
    "-Dorg.bytedeco.javacpp.maxphysicalbytes=${DESCENT_MAX_PHYSICAL:-$physical}" -XX:+AlwaysPreTouch
}

# ND4J's bundled OpenBLAS (0.3.19) does not recognise newer Xeons and silently uses a slow generic kernel.
pick_blas_core() {
  local cpuinfo="${DESCENT_CPUINFO:-/proc/cpuinfo}" flags
  if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r "$cpuinfo" ]; then
    flags=$(grep -m1 '^flags' "$cpuinfo" || true)
    case " $flags " in
      *" avx512f "*) export OPENBLAS_CORETYPE=SkylakeX ;;
      *" avx2 "*) export OPENBLAS_CORETYPE=Haswell ;;
    esac
  fi
}

role_args() {
  local role="$1" config="${DESCENT_CONFIG:-/etc/descent/job.conf}" rank
  [ -r "$config" ] && [ -f "$config" ] ||
    fail "job config '$config' is missing or unreadable; mount the job ConfigMap there or set DESCENT_CONFIG"
  args=("$role" --config "$config")
  if [ "$role" = worker ]; then
    [ -n "${DESCENT_SEED:-}" ] ||
      fail "DESCENT_SEED is not set; a worker needs the seed node's host:port (the first parameter-server pod)"
    require_host_port DESCENT_SEED "$DESCENT_SEED"
    args+=(--join "$DESCENT_SEED")
    rank="${DESCENT_RANK:-${JOB_COMPLETION_INDEX:-}}"
    if [ -n "$rank" ]; then
      [[ "$rank" =~ ^[0-9]+$ ]] ||
        fail "worker rank '$rank' (DESCENT_RANK or JOB_COMPLETION_INDEX) is not an integer >= 0"
      args+=(--cluster "rank=$rank")
    fi
  else
    ps_args
  fi
  if [ -n "${DESCENT_BIND:-}" ]; then
    require_host_port DESCENT_BIND "$DESCENT_BIND"
    args+=(--bind "$DESCENT_BIND")
  fi
  if [ -n "${DESCENT_AERON:-}" ]; then
    require_host_port DESCENT_AERON "$DESCENT_AERON"
    args+=(--aeron "$DESCENT_AERON")
  fi
  local setting settings
  read -r -a settings <<< "${DESCENT_CLUSTER:-}"
  for setting in "${settings[@]}"; do
    [[ "$setting" =~ ^[a-z][a-z0-9.-]*=.+$ ]] ||
      fail "DESCENT_CLUSTER entry '$setting' is not key=value (e.g. step-timeout=30s)"
    args+=(--cluster "$setting")
  done
  check_cluster_key
}

# The key is checked for its shape here, never printed. From a file, only the file's path goes on the command line;
# from DESCENT_CLUSTER_KEY it stays in the environment (exec passes it on).
check_cluster_key() {
  local key name
  if [ -n "${DESCENT_CLUSTER_KEY_FILE:-}" ]; then
    name="DESCENT_CLUSTER_KEY_FILE '$DESCENT_CLUSTER_KEY_FILE'"
    [ -f "$DESCENT_CLUSTER_KEY_FILE" ] && [ -r "$DESCENT_CLUSTER_KEY_FILE" ] ||
      fail "$name is missing or unreadable; mount the key Secret there (k8s/base: volume cluster-key)"
    key=$(< "$DESCENT_CLUSTER_KEY_FILE")
    [ -n "${key//[[:space:]]/}" ] || fail "$name is empty; put a random key in the Secret (openssl rand -hex 32)"
    args+=(--cluster-key-file "$DESCENT_CLUSTER_KEY_FILE")
    unset DESCENT_CLUSTER_KEY
  else
    name="DESCENT_CLUSTER_KEY"
    key="${DESCENT_CLUSTER_KEY:-}"
    [ -z "$key" ] && return
  fi
  # As the process reads it: surrounding white space is ignored.
  key="${key#"${key%%[![:space:]]*}"}"
  key="${key%"${key##*[![:space:]]}"}"
  [ "$key" != "replace-me-with-a-random-key" ] ||
    fail "$name is still the placeholder of k8s/base/secret.yaml; put a random key in the Secret" \
      "(openssl rand -hex 32; descent k8s render/submit do this)"
  (( $(printf '%s' "$key" | LC_ALL=C wc -c) >= 16 )) ||
    fail "$name is shorter than 16 bytes; put a random key in the Secret (openssl rand -hex 32)"
}

# The parameter server's worker count, checkpoints and resume after a restart.
ps_args() {
  local dir="${DESCENT_CHECKPOINT_DIR:-}" resume="${DESCENT_RESUME:-auto}"
  if [ -n "${DESCENT_WORKERS:-}" ]; then
    [[ "$DESCENT_WORKERS" =~ ^[1-9][0-9]*$ ]] || fail "DESCENT_WORKERS='$DESCENT_WORKERS' is not a worker count >= 1"
    args+=(--workers "$DESCENT_WORKERS")
  fi
  [ -n "$dir" ] && args+=(--checkpoint-dir "$dir")
  case "$resume" in
    never) ;;
    auto)
      # A complete checkpoint is a step-<n>/ directory with its metadata (descent-cluster's CheckpointStore); COMPLETE
      # is the marker a completed job leaves (CompletionMarker): `ps --resume` then exits 0 at once.
      if [ -n "$dir" ] && { compgen -G "$dir/step-*/meta.kryo" > /dev/null || [ -f "$dir/COMPLETE" ]; }; then
        args+=(--resume "$dir")
      fi
      ;;
    *)
      [ -d "$resume" ] || fail "DESCENT_RESUME='$resume' is not a directory of checkpoints (or auto, never)"
      args+=(--resume "$resume")
      ;;
  esac
}

args=()
role="${1:-${DESCENT_ROLE:-}}"
case "$role" in
  ps|worker)
    [ $# -gt 0 ] && shift
    role_args "$role"
    ;;
  "")
    fail "DESCENT_ROLE is not set; set it to 'ps' or 'worker' (or pass a descent command as arguments)"
    ;;
  *)
    if [ $# -eq 0 ]; then
      fail "DESCENT_ROLE='$role' is not a role; use 'ps' or 'worker'"
    fi
    ;;
esac
read -r -a extra <<< "${DESCENT_ARGS:-}"
args+=("$@" "${extra[@]}")

pick_blas_core
# Spinning OpenMP workers steal the BLAS cores between ops (see scripts/descent).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

# JavaCPP extracts ND4J's native libraries to ~/.javacpp/cache unless told otherwise; the home directory is on the
# (possibly read-only) root file system. Before DESCENT_JAVA_OPTS, so a cachedir given there wins.
jvm=("-Dorg.bytedeco.javacpp.cachedir=${DESCENT_JAVACPP_CACHE:-/tmp/javacpp}")
read -r -a user_jvm <<< "${DESCENT_JAVA_OPTS:-} $(memory_flags)"
jvm+=("${user_jvm[@]}")
jvm+=(--add-opens java.base/jdk.internal.misc=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED)
# The image's Temurin 25 would warn on stderr at Agrona's sun.misc.Unsafe memory calls; the switch exists from JDK 23.
java_release="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/release"
if [ -r "$java_release" ] && \
   [ "$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_release" | head -1)" -ge 23 ] 2>/dev/null; then
  jvm+=(--sun-misc-unsafe-memory-access=allow)
fi
jvm+=(-XX:+ExitOnOutOfMemoryError)

echo "descent-entrypoint: ${args[*]} (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto})" >&2
exec java "${jvm[@]}" -jar "$home/descent-cli.jar" "${args[@]}"
