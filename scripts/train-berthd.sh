#!/bin/bash
# Trains berthd's AOT cache (DIST/lib/berthd.aot, JDK 25): a berthd of the distribution on private
# directories runs the everyday container work, and the JVM writes the classes it loaded, their
# linkage and the method profiles at its exit. The next berthd starts with them: classes mapped
# instead of parsed into metaspace, and the methods the training found hot compiled at start-up
# instead of after dozens of containers (docs/adr/0013). Needs root, crun, conmon and a static
# busybox; without them, berthd keeps its class-data archive made on first run.
# Usage: scripts/train-berthd.sh DIST
set -euo pipefail
dist=$(cd "${1:?usage: $0 DIST}" && pwd)
out=$dist/lib/berthd.aot
rm -f "$out" "$out.config"
why=""
[ "$(id -u)" = 0 ] || why="not root"
for tool in crun conmon; do command -v $tool >/dev/null || why="${why:+$why, }no $tool"; done
/bin/busybox --list >/dev/null 2>&1 || why="${why:+$why, }no busybox-static"
if [ -n "$why" ]; then
    echo "note: berthd's AOT cache not trained ($why); berthd makes a class-data archive on its first run"
    exit 0
fi
t=$(mktemp -d /tmp/berth-train-XXXXXX)
pid=""
# Interrupted or failed: remove the training's containers through berthd, stop it, and unmount
# whatever is still mounted under the scratch directory before deleting it.
cleanup() {
    trap '' INT TERM # a second ^C must not cut the clean-up short
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        ids=$("$dist/bin/berth" ps -aq 2>/dev/null || true)
        [ -z "$ids" ] || "$dist/bin/berth" rm -f $ids >/dev/null 2>&1 || true
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    { grep -o " $t/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$t"
}
trap cleanup EXIT
trap 'cleanup; rm -f "$out" "$out.config"; exit 130' INT TERM # a half-trained cache is dropped
export BERTH_HOST=unix://$t/s.sock
BERTHD_AOT_OUTPUT=$out "$dist/bin/berthd" --data-root "$t/data" --exec-root "$t/run" -H "$BERTH_HOST" \
    --pidfile "$t/pid" >"$t/log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do curl -sf --unix-socket "$t/s.sock" http://localhost/_ping >/dev/null 2>&1 && break; sleep 0.1; done
b=$dist/bin/berth
work() {
    "$dist/bin/busybox-image.sh" "$t/busybox.tar"
    $b import --change 'CMD ["sh"]' "$t/busybox.tar" busybox:latest
    for _ in $(seq 1 30); do $b run --rm --network none busybox true; done
    $b run --rm -e A=1 -w /tmp busybox sh -c 'echo out; echo err >&2'
    for i in 1 2 3; do
        $b run -d --name train$i -l tier=train busybox sleep 60
        $b exec train$i true
        $b logs train$i
        $b inspect train$i
        $b ps --filter label=tier=train
        $b stop -t 1 train$i
        $b start train$i
        $b kill train$i
        $b rm -f train$i
    done
    $b create --name created busybox true
    $b start -a created
    $b rm created
    $b images
    $b image inspect busybox:latest
    $b tag busybox:latest train/busybox:1
    $b save -o "$t/saved.tar" train/busybox:1
    $b rmi train/busybox:1
    $b load -i "$t/saved.tar"
    $b container prune -f
    $b version
    $b info
}
if ! work >"$t/work.log" 2>&1; then
    echo "note: berthd's AOT cache not trained (the training work failed: $(tail -3 "$t/work.log" | tr '\n' ' '))"
    cleanup
    rm -f "$out" "$out.config"
    exit 0
fi
# SIGTERM: berthd stops; the JVM writes the cache (a child JVM assembles it) before it exits
kill -TERM "$pid"
wait "$pid" || true
pid=""
if [ -f "$out" ]; then
    echo "trained berthd's AOT cache ($(($(stat -c %s "$out") / 1048576)) MiB)"
else
    echo "note: berthd's AOT cache not written: $(tail -2 "$t/log" | tr '\n' ' ')"
fi
