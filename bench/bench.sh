#!/usr/bin/env bash
# make bench: berth side by side with Docker 20.10 (Debian docker.io) and Podman 4.3, in one run.
#
# Sets up three engines on private roots under one temp dir (nothing under /var/lib, no
# /var/run/docker.sock), makes the same busybox image in each from busybox-static, runs
# bench/harness.py (interleaved measurements, medians), writes bench/results/latest.{md,json,png},
# and on exit stops and removes everything it started.
#
# Env: BENCH_RUNS (default 10), BENCH_KEEP=1 (keep the temp root for inspection; daemons are
# still stopped), BERTH_DIST (default build/berth), BENCH_OUT (default bench/results).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
RUNS=${BENCH_RUNS:-10}
DIST=${BERTH_DIST:-$repo/build/berth}
OUT=${BENCH_OUT:-$here/results}
PY=/usr/bin/python3                       # Debian's python: python3-matplotlib lives there
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
# The docker CLI used against both dockerd and berthd: the preinstalled 28.x one, not docker.io's 20.10.
DOCKER_CLI=${DOCKER_CLI:-/usr/local/bin/docker}
[ -x "$DOCKER_CLI" ] || DOCKER_CLI=/usr/bin/docker

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (the engines need it)"
[ -x "$DIST/bin/berthd" ] || die "no berth distribution at $DIST: run make build"

# ---- 1. packages -------------------------------------------------------------------------------
need=""
for p in docker.io podman python3-matplotlib docker-registry skopeo strace iptables busybox-static crun conmon; do
    dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
    log "installing:$need"
    # No systemd here, but docker.io's postinst would start dockerd on /var/run/docker.sock through
    # invoke-rc.d: a policy-rc.d that says 101 stops that.
    made_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 0755 /usr/sbin/policy-rc.d; made_policy=1
    fi
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need) \
        >/tmp/berth-bench-apt.log 2>&1 || { [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d; die "apt-get install failed, see /tmp/berth-bench-apt.log"; }
    [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
fi
[ -x /usr/sbin/dockerd ] || die "dockerd missing after install"

# ---- 2. what the machine looks like before, so that cleanup removes only what we added ---------
T=$(mktemp -d /tmp/berth-bench.XXXXXX)
chmod 0755 "$T"
before_forward=$(cat /proc/sys/net/ipv4/ip_forward)
declare -A existed=()
for f in /etc/docker/key.json /var/lib/containers /run/containers /run/libpod /dev/shm/libpod_lock \
         /var/lib/docker /var/lib/containerd /run/containerd /run/docker /var/run/docker.sock /run/netns \
         /etc/cni/net.d /var/lib/cni /run/cni; do
    [ -e "$f" ] && existed[$f]=1
done
declare -A had_link=()
for l in docker0 podman0 cni-podman0; do ip link show "$l" >/dev/null 2>&1 && had_link[$l]=1; done
hugetlb_before=""; grep -q ' /sys/fs/cgroup/hugetlb ' /proc/mounts && hugetlb_before=1
# parent cgroups that dockerd (docker, docker/buildkit) and podman (libpod_parent) create
cgroups_before=$(ls -d /sys/fs/cgroup/*/docker /sys/fs/cgroup/*/libpod_parent 2>/dev/null || true)
pids=()        # daemons we started, stopped in reverse order

# Subnets that collide with nothing routed here.
in_use=$(ip -4 route show table all 2>/dev/null; ip -4 addr 2>/dev/null)
pick_net() { for n in "$@"; do grep -q "${n%.*}\." <<<"$in_use" || { echo "$n"; return; }; done; die "no free subnet among $*"; }
DOCKER_NET=$(pick_net 172.31.250.0 172.30.250.0 10.250.250.0)
PODMAN_NET=$(pick_net 10.251.250.0 172.29.250.0 10.252.250.0)
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PULL_PORT=$(free_port); PUSH_PORT=$(free_port)
while [ "$PUSH_PORT" = "$PULL_PORT" ]; do PUSH_PORT=$(free_port); done

# ---- 3. cleanup (runs on every exit) -----------------------------------------------------------
ipt_clean() {   # rules and chains that dockerd or netavark added, and only those
    local pat="DOCKER|NETAVARK|docker0|podman0|${DOCKER_NET%.*}\.|${PODMAN_NET%.*}\."
    for ipt in iptables ip6tables; do
        command -v $ipt >/dev/null || continue
        for t in filter nat mangle raw; do
            $ipt -t $t -S 2>/dev/null | grep -E '^-A ' | grep -E "$pat" | sed 's/^-A /-D /' |
                while read -r rule; do eval "$ipt -t $t $rule" 2>/dev/null || true; done
            local chains
            chains=$($ipt -t $t -S 2>/dev/null | awk '/^-N (DOCKER|NETAVARK)/ {print $2}')
            for c in $chains; do $ipt -t $t -F "$c" 2>/dev/null || true; done
            for c in $chains; do $ipt -t $t -X "$c" 2>/dev/null || true; done
        done
    done
}
stop_pid() {   # stop_pid PID SECONDS: TERM, wait, KILL
    local p=$1 n=$(( $2 * 10 ))
    kill -0 "$p" 2>/dev/null || return 0
    kill -TERM "$p" 2>/dev/null || true
    while kill -0 "$p" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
    kill -KILL "$p" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    set +eu
    trap - EXIT INT TERM
    log "cleaning up"
    if [ -S "$T/berth/berth.sock" ]; then
        ids=$(timeout 60 $BERTH ps -aq 2>/dev/null | grep -E '^[0-9a-f]{12,64}$')
        # stop first: berthd's rm -f of a running container has been seen to wait 30 s per container
        [ -n "$ids" ] && timeout 120 $BERTH stop -t 0 $ids >/dev/null 2>&1
        [ -n "$ids" ] && timeout 120 $BERTH rm -f $ids >/dev/null 2>&1
    fi
    if [ -S "$T/docker/docker.sock" ]; then
        ids=$(timeout 60 "$DOCKER_CLI" -H "unix://$T/docker/docker.sock" ps -aq 2>/dev/null)
        [ -n "$ids" ] && timeout 120 "$DOCKER_CLI" -H "unix://$T/docker/docker.sock" rm -f $ids >/dev/null 2>&1
    fi
    if [ -f "$T/podman/env" ]; then
        (. "$T/podman/env"; timeout 120 podman $PODMAN_FLAGS rm -af -t 0) >/dev/null 2>&1
    fi
    for ((i=${#pids[@]}-1; i>=0; i--)); do stop_pid "${pids[i]}" 20; done
    # Anything else still running from our temp root, by pid: shims and conmon name it on their
    # command line, a container's processes in their root mount (the first line of mountinfo).
    local cgs=""
    for _ in 1 2 3; do
        left=$( (grep -l -s -F "$T/" /proc/[0-9]*/cmdline; for m in /proc/[0-9]*/mountinfo; do
                  head -1 "$m" 2>/dev/null | grep -q -F "$T/" && echo "$m"; done) | cut -d/ -f3 | sort -u)
        [ -z "$left" ] && break
        for p in $left; do
            [ "$p" = $$ ] && continue
            cgs="$cgs $(awk -F: '$3 != "/" {print $3}' /proc/$p/cgroup 2>/dev/null)"
            kill -KILL "$p" 2>/dev/null
        done
        sleep 0.3
    done
    for cg in $(tr ' ' '\n' <<<"$cgs" | grep -E '^/[^/]+/[^/]+' | sort -u); do   # a container's own, never a parent
        for d in /sys/fs/cgroup/*"$cg"; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
    done
    for d in /sys/fs/cgroup/*/docker /sys/fs/cgroup/*/libpod_parent; do
        [ -d "$d" ] && ! grep -qxF "$d" <<<"$cgroups_before" && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    # Mounts under the temp root, deepest first.
    awk -v t="$T/" 'index($2, t) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
    for l in docker0 podman0 cni-podman0; do
        [ -z "${had_link[$l]:-}" ] && ip link show "$l" >/dev/null 2>&1 && ip link del "$l"
    done
    ipt_clean
    echo "$before_forward" >/proc/sys/net/ipv4/ip_forward
    for f in /etc/docker/key.json /var/lib/containers /run/containers /run/libpod /dev/shm/libpod_lock \
             /var/lib/docker /var/lib/containerd /run/containerd /run/docker /var/run/docker.sock /run/netns \
             /etc/cni/net.d /var/lib/cni /run/cni; do
        if [ -z "${existed[$f]:-}" ] && [ -e "$f" ]; then
            awk -v t="$f" 'index($2, t) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
            rm -rf "$f"
        fi
    done
    # berthd mounts the v1 hugetlb hierarchy when crun needs it; undo that if nobody else uses it.
    if [ -z "$hugetlb_before" ] && grep -q ' /sys/fs/cgroup/hugetlb ' /proc/mounts &&
       [ -z "$(find /sys/fs/cgroup/hugetlb -mindepth 1 -type d 2>/dev/null | head -1)" ]; then
        umount /sys/fs/cgroup/hugetlb && rmdir /sys/fs/cgroup/hugetlb 2>/dev/null
    fi
    if [ "${BENCH_KEEP:-}" = 1 ]; then log "kept $T"; else rm -rf "$T"; fi
    log "clean (exit $rc)"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() {   # wait_for SECONDS CMD...: poll until CMD succeeds
    local n=$(( $1 * 10 )); shift
    until "$@" >/dev/null 2>&1; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1; done
}

# ---- 4. engines ---------------------------------------------------------------------------------
# Local registries: one holds the pull image, one is wiped before every push.
for r in pull push; do
    port=$PULL_PORT; [ $r = push ] && port=$PUSH_PORT
    mkdir -p "$T/reg-$r/data"
    cat >"$T/reg-$r/config.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $T/reg-$r/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
EOF
done
start_registry() {
    docker-registry serve "$T/reg-$1/config.yml" >"$T/reg-$1/log" 2>&1 &
    echo $! >"$T/reg-$1/pid"; pids+=($!)
    local port=$PULL_PORT; [ "$1" = push ] && port=$PUSH_PORT
    wait_for 20 curl -sf "http://127.0.0.1:$port/v2/" || die "registry $1 did not start"
}
start_registry pull
start_registry push

# berthd and the CLI from the distribution in place: its AOT cache (lib/berth.aot) is valid only for
# the class path it was trained with, so a copy elsewhere would start slower than what users run.
mkdir -p "$T/berth"
BERTH="$DIST/bin/berth -H unix://$T/berth/berth.sock"
start_berthd() {
    "$DIST/bin/berthd" --data-root "$T/berth/data" --exec-root "$T/berth/run" -H "unix://$T/berth/berth.sock" \
        >>"$T/berth/berthd.log" 2>&1 &
    BERTHD_PID=$!
    wait_for 60 curl -sf --unix-socket "$T/berth/berth.sock" http://localhost/_ping || die "berthd did not start: $(tail -5 "$T/berth/berthd.log")"
}
log "starting berthd (once, for a distribution without an AOT cache to write its class-data archive; then for real)"
start_berthd; stop_pid "$BERTHD_PID" 20
start_berthd; pids+=("$BERTHD_PID")

# dockerd 20.10 with its own containerd child, everything under $T.
mkdir -p "$T/docker" "$T/dockercfg"
echo '{}' >"$T/docker/daemon.json"
log "starting dockerd ($(/usr/sbin/dockerd --version)), bridge ${DOCKER_NET%.*}.1/24"
/usr/sbin/dockerd --config-file "$T/docker/daemon.json" --data-root "$T/docker/data" --exec-root "$T/docker/run" \
    -H "unix://$T/docker/docker.sock" --pidfile "$T/docker/dockerd.pid" --bip "${DOCKER_NET%.*}.1/24" \
    --storage-driver overlay2 --insecure-registry "127.0.0.1:$PULL_PORT" --insecure-registry "127.0.0.1:$PUSH_PORT" \
    --log-level warn >"$T/docker/dockerd.log" 2>&1 &
pids+=($!); DOCKERD_PID=$!
wait_for 60 curl -sf --unix-socket "$T/docker/docker.sock" http://localhost/_ping || die "dockerd did not start: $(tail -5 "$T/docker/dockerd.log")"

# podman: private storage, config, network dir, tmp dir and locks.
mkdir -p "$T/podman/networks" "$T/podman/tmp"
cat >"$T/podman/containers.conf" <<EOF
[containers]
log_driver = "k8s-file"
default_ulimits = ["nofile=1024:1024", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "crun"
tmp_dir = "$T/podman/tmp"
static_dir = "$T/podman/root/libpod"
volume_path = "$T/podman/root/volumes"
lock_type = "file"
[network]
network_backend = "netavark"
network_config_dir = "$T/podman/networks"
default_subnet = "$PODMAN_NET/24"
EOF
cat >"$T/podman/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$T/podman/root"
runroot = "$T/podman/runroot"
EOF
cat >"$T/podman/registries.conf" <<EOF
unqualified-search-registries = []
[[registry]]
location = "127.0.0.1:$PULL_PORT"
insecure = true
[[registry]]
location = "127.0.0.1:$PUSH_PORT"
insecure = true
EOF
echo '{"auths": {}}' >"$T/podman/auth.json"
cat >"$T/podman/env" <<EOF
export CONTAINERS_CONF=$T/podman/containers.conf CONTAINERS_STORAGE_CONF=$T/podman/storage.conf
export CONTAINERS_REGISTRIES_CONF=$T/podman/registries.conf REGISTRY_AUTH_FILE=$T/podman/auth.json
PODMAN_FLAGS="--root $T/podman/root --runroot $T/podman/runroot --tmpdir $T/podman/tmp --network-config-dir $T/podman/networks"
EOF

# ---- 5. the same busybox image in all three ---------------------------------------------------
"$repo/scripts/busybox-image.sh" "$T/busybox.tar" >/dev/null
log "importing busybox into berth, docker, podman"
# PATH as Docker's default: podman, unlike docker, does not add one to an image that has none.
path='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
$BERTH import --change 'CMD ["sh"]' --change "$path" "$T/busybox.tar" busybox:latest >/dev/null
"$DOCKER_CLI" -H "unix://$T/docker/docker.sock" import --change 'CMD ["sh"]' --change "$path" "$T/busybox.tar" busybox:latest >/dev/null
(. "$T/podman/env"; podman $PODMAN_FLAGS import -q --change 'CMD ["sh"]' --change "$path" "$T/busybox.tar" busybox:latest >/dev/null)

# ---- 6. measure and report ---------------------------------------------------------------------
cat >"$T/setup.json" <<EOF
{"root": "$T", "runs": $RUNS, "repo": "$repo", "out": "$OUT",
 "berth_cli": "$DIST/bin/berth", "berth_sock": "$T/berth/berth.sock", "berthd_pid": $BERTHD_PID,
 "docker_cli": "$DOCKER_CLI", "docker_sock": "$T/docker/docker.sock", "dockerd_pid": $DOCKERD_PID,
 "docker_net": "$DOCKER_NET/24", "podman_net": "$PODMAN_NET/24",
 "pull_port": $PULL_PORT, "push_port": $PUSH_PORT, "java_home": "$JAVA_HOME", "dist": "$DIST"}
EOF
mkdir -p "$OUT"
# In the background and waited for, so that a signal to this script is handled at once (bash defers
# traps while a foreground child runs); cleanup stops the harness first.
"$PY" "$here/harness.py" "$T/setup.json" &
pids+=($!)
wait $!
