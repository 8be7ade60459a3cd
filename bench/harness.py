#!/usr/bin/python3
"""berth vs Docker vs Podman: interleaved measurements, medians with min-max, ratios.

Called by bench/bench.sh with the path of a setup.json describing the three engines it started.
Writes <out>/latest.json, latest.md and latest.png. Python 3 stdlib only, plus Debian's
python3-matplotlib for the chart (the chart is skipped, and said so, without it).

Every timed cell is wall-clock time of one CLI command (fork to exit) measured here with
time.perf_counter(); engines are interleaved in each iteration (A B C, then B C A, ...), after
one untimed warm-up iteration. A measure whose feature berth lacks is probed, not assumed, and
reported "not yet".
"""
import datetime
import io
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import time
from collections import Counter

S = json.load(open(sys.argv[1]))
T = S["root"]
RUNS = int(S["runs"])
OUT = S["out"]
T0 = time.time()
BUDGET = float(os.environ.get("BENCH_BUDGET_S", "960"))  # the harness's share of make bench's 20 minutes
DEVNULL = subprocess.DEVNULL


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')} +{time.time() - T0:5.0f}s] {msg}", file=sys.stderr, flush=True)


class Failed(Exception):
    pass


# The JVM's unified logging writes to stdout: lines like "[0.010s][error][cds] ..." that the berth
# launcher's AppCDS set-up triggers. They are not the command's output; counted and reported.
JVM_LOG = re.compile(r"^\[\d+\.\d+s\]\[\w+ *\]\[[\w,+]+ *\].*\n?", re.M)
jvm_log_lines = Counter()


def strip_jvm_log(text, who="berth"):
    n = len(JVM_LOG.findall(text))
    if n:
        jvm_log_lines[who] += n
    return JVM_LOG.sub("", text)


class Engine:
    def __init__(self, key, label, argv, env=None):
        self.key, self.label, self.argv = key, label, argv
        self.env = dict(os.environ, **(env or {}))

    def run(self, *args, timeout=300, check=True, stdout=subprocess.PIPE, stdin=DEVNULL):
        try:
            p = subprocess.run(self.argv + list(args), env=self.env, stdout=stdout, stderr=subprocess.PIPE,
                               stdin=stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failed(f"{self.label} {' '.join(args)}: timed out after {timeout}s")
        if check and p.returncode != 0:
            err = (p.stderr or b"").decode(errors="replace").strip().splitlines()
            raise Failed(f"{self.label} {' '.join(args)}: exit {p.returncode}: {err[-1] if err else ''}")
        return p

    def out(self, *args, **kw):
        return strip_jvm_log(self.run(*args, **kw).stdout.decode(errors="replace")).strip()

    def new_id(self, *args, **kw):
        """The id a `run -d` printed (the berth CLI may print JVM log lines before it)."""
        out = self.run(*args, **kw).stdout.decode(errors="replace")
        ids = re.findall(r"\b[0-9a-f]{64}\b", out)
        if not ids:
            raise Failed(f"{self.label} {' '.join(args)}: no container id in {out[-200:]!r}")
        return ids[-1]

    def timed(self, *args, timeout=300):
        t = time.perf_counter()
        self.run(*args, timeout=timeout, stdout=DEVNULL)
        return time.perf_counter() - t


DOCKER_ENV = {"DOCKER_CONFIG": f"{T}/dockercfg"}
PODMAN_ENV = {"CONTAINERS_CONF": f"{T}/podman/containers.conf", "CONTAINERS_STORAGE_CONF": f"{T}/podman/storage.conf",
              "CONTAINERS_REGISTRIES_CONF": f"{T}/podman/registries.conf", "REGISTRY_AUTH_FILE": f"{T}/podman/auth.json"}
berth = Engine("berth", "berth", [S["berth_cli"], "-H", "unix://" + S["berth_sock"]])
docker = Engine("docker", "docker", [S["docker_cli"], "-H", "unix://" + S["docker_sock"]], DOCKER_ENV)
podman = Engine("podman", "podman", ["podman", "--root", f"{T}/podman/root", "--runroot", f"{T}/podman/runroot",
                                     "--tmpdir", f"{T}/podman/tmp", "--network-config-dir", f"{T}/podman/networks"],
                PODMAN_ENV)
# The same docker CLI pointed at berthd, and docker.io's own 20.10 CLI for BuildKit builds (the 28.x
# CLI needs the buildx plugin for BuildKit, and it is not installed here).
docker_on_berth = Engine("docker_on_berth", "docker CLI on berthd", [S["docker_cli"], "-H", "unix://" + S["berth_sock"]],
                         DOCKER_ENV)
docker_build = Engine("docker", "docker 20.10 CLI", ["/usr/bin/docker", "-H", "unix://" + S["docker_sock"]],
                      dict(DOCKER_ENV, DOCKER_BUILDKIT="1"))
ENGINES = [berth, docker, podman]
PULL = f"127.0.0.1:{S['pull_port']}"
PUSH = f"127.0.0.1:{S['push_port']}"

# results[measure] = {"title", "unit", "target", "cells": {engine: {"samples": [...], "status", "note"}}}
results = {}
PROFILE = {}  # where berth's time goes: filled by the steps and by profile_berth()
SKIPPED = []  # steps not run for want of time


def measure(key, title, unit="s", target=None, note=""):
    results[key] = {"title": title, "unit": unit, "target": target, "note": note, "cells": {}}
    return results[key]


def cell(key, eng, status="ok", note=""):
    c = results[key]["cells"].setdefault(eng, {"samples": [], "status": status, "note": note})
    if status != "ok":
        c["status"], c["note"] = status, note
    return c


def not_yet(key, eng, why):
    cell(key, eng, "not yet", why)
    log(f"  {key} {eng}: not yet ({why})")


def interleave(runs, warmup, engines, step):
    """step(engine, timed: bool) -> dict measure -> value; called for each engine in rotating order."""
    live = list(engines)
    for i in range(warmup + runs):
        if not live:
            return
        if time.time() - T0 > BUDGET and i > warmup:
            log(f"  time budget ({BUDGET:.0f} s) spent: stopping this measure after {i - warmup} runs")
            for key in step.keys:
                if key in results:
                    results[key]["note"] += (("; " if results[key]["note"] else "") +
                                             f"only {i - warmup} runs: time budget")
            return
        k = i % len(live)
        for e in live[k:] + live[:k]:
            try:
                vals = step(e, i >= warmup)
            except Failed as x:
                log(f"  FAILED {e.label}: {x}")
                for key in step.keys:
                    cell(key, e.key, "failed", str(x)[:300])
                live.remove(e)
                continue
            if i >= warmup:
                for key, v in vals.items():
                    cell(key, e.key)["samples"].append(v)
        log(f"  iteration {i + 1}/{warmup + runs}{' (warm-up)' if i < warmup else ''}")


def keys(*ks):
    def deco(f):
        f.keys = ks
        return f
    return deco


# ---- process memory ------------------------------------------------------------------------------
def engine_pids(eng):
    """Daemons and monitors of one engine: every process whose command line names its private root."""
    mark = {"berth": f"{T}/berth/", "docker": f"{T}/docker/", "podman": f"{T}/podman/"}[eng]
    pids = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            cmd = open(f"/proc/{p}/cmdline", "rb").read().decode(errors="replace")
            comm = open(f"/proc/{p}/comm").read().strip()
        except OSError:
            continue
        if mark in cmd and comm in ("java", "dockerd", "containerd", "containerd-shim", "conmon"):
            pids.append(int(p))
    return pids


def mem(eng):
    """(RSS MiB, PSS MiB, process count) of an engine's daemons and monitors."""
    rss = pss = 0
    pids = engine_pids(eng)
    for p in pids:
        try:
            for line in open(f"/proc/{p}/smaps_rollup"):
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss / 1024, pss / 1024, len(pids)


# ---- probes: which berth features exist yet -------------------------------------------------------
def probe(e, *args, timeout=60):
    try:
        e.run(*args, timeout=timeout)
        return None
    except Failed as x:
        return str(x).split(": exit", 1)[-1][:160]


def has_eth0(e):
    try:
        return "eth0" in e.out("run", "--rm", "busybox", "ls", "/sys/class/net", timeout=60).split()
    except Failed:
        return False


# ---- 1. run --rm ---------------------------------------------------------------------------------
def bench_run():
    log("1. run --rm busybox true: --network none, then the default bridge")
    measure("run_none", "`run --rm --network none busybox true`", target=("docker", 0.25))
    measure("run_bridge", "`run --rm busybox true` (default bridge network)", target=("docker", 0.30))
    measure("run_none_docker_cli", "`docker run --rm --network none busybox true` (28.x CLI): on berthd vs on dockerd",
            note="the same Go CLI on both daemons, so the difference is the daemon's (berth column = docker CLI → berthd)")
    bridge = [e for e in ENGINES if has_eth0(e)]
    if berth not in bridge:
        not_yet("run_bridge", "berth", "berth has no bridge network yet: its containers get loopback only, "
                                      "whatever --network says; probed by looking for eth0 in a container")

    @keys("run_none")
    def none(e, _):
        return {"run_none": e.timed("run", "--rm", "--network", "none", "busybox", "true")}

    @keys("run_bridge")
    def br(e, _):
        return {"run_bridge": e.timed("run", "--rm", "busybox", "true")}

    @keys("run_none_docker_cli")
    def dnone(e, _):
        return {"run_none_docker_cli": e.timed("run", "--rm", "--network", "none", "busybox", "true")}

    interleave(RUNS, 1, ENGINES, none)
    interleave(RUNS, 1, bridge, br)
    interleave(RUNS, 1, [Engine("berth", "docker CLI on berthd", docker_on_berth.argv, DOCKER_ENV),
                         Engine("docker", "docker CLI on dockerd", docker.argv, DOCKER_ENV)], dnone)


# ---- 2. CLI round trip ---------------------------------------------------------------------------
def bench_cli():
    log("2. CLI round trip: ps on an empty engine, docker CLI on berthd, CLI start-up alone")
    measure("ps", "`ps`, each engine's own CLI, empty engine", target=("abs", 0.060),
            note="docker = the 28.x docker CLI on dockerd 20.10; podman has no daemon (the CLI is the engine)")
    measure("ps_docker_cli", "`docker ps` (28.x CLI): on berthd vs on dockerd", target=("docker", 1.0),
            note="berth column = docker CLI → berthd, Docker column = the same CLI → dockerd")
    measure("version", "CLI start-up alone: `--version` (no daemon call)")

    @keys("ps", "version")
    def ps(e, _):
        return {"ps": e.timed("ps"), "version": e.timed("--version")}

    @keys("ps_docker_cli")
    def dps(e, _):
        return {"ps_docker_cli": e.timed("ps")}

    interleave(RUNS, 1, ENGINES, ps)
    # docker CLI → dockerd and → berthd, interleaved with each other
    dk = Engine("docker", "docker CLI on dockerd", docker.argv, DOCKER_ENV)
    ob = Engine("berth", "docker CLI on berthd", docker_on_berth.argv, DOCKER_ENV)
    interleave(RUNS, 1, [ob, dk], dps)


# ---- 3+4. 20 detached containers, memory -----------------------------------------------------------
def bench_detached():
    n = 20
    log(f"3. {n} detached sleep containers started one after another, then removed; 4. memory")
    measure("start20", f"{n} × `run -d --network none busybox sleep` one after another: total", target=("docker", 0.25),
            note="--network none everywhere so that the three do the same work (berth has no bridge yet)")
    measure("rm20", f"`rm -f` of those {n} running containers (one command): total")
    measure("idle_rss", "daemon idle RSS", unit="MiB", target=("docker", 0.75),
            note="berth = berthd; Docker = dockerd + containerd; Podman has no daemon")
    measure("ctr_pss", "added PSS per running container (daemon + monitor processes), 3 s after the last start", unit="MiB",
            target=("docker", 0.20),
            note="(PSS of the engine's processes with 20 running − PSS idle) / 20, from /proc/<pid>/smaps_rollup, "
                 "taken 3 s after the 20th start (the steady state: berthd trims the C heap its JIT and request "
                 "threads freed every 2 s); monitors: conmon (berth, podman), containerd-shim-runc-v2 (Docker); "
                 "the sleep itself not counted")
    measure("ctr_pss_early", "the same, 0.5 s after the last start", unit="MiB",
            note="what the daemons still hold of serving the 20 starts, on top of the steady state")

    # berthd's `rm -f` of a running container has been seen to hang for 30 s (it waits for an exit it
    # is never told of). Probe it once; if it hangs, remove berth's containers with stop -t 0 + rm,
    # timed but reported apart, so that the other berth cells still get measured.
    fallback = {}
    pid = berth.new_id("run", "-d", "--network", "none", "busybox", "sleep", "3600")
    try:
        berth.timed("rm", "-f", pid, timeout=8)
    except Failed:
        fallback["berth"] = []
        log("  berth rm -f of a running container did not return within 8 s: using stop -t 0 + rm for berth")
        time.sleep(25)  # let berthd finish that removal before measuring

    @keys("start20", "rm20", "idle_rss", "ctr_pss", "ctr_pss_early", "ctr_pss_early")
    def step(e, timed):
        rss0, pss0, _ = mem(e.key)
        ids, t = [], 0.0
        for _ in range(n):
            t1 = time.perf_counter()
            ids.append(e.new_id("run", "-d", "--network", "none", "busybox", "sleep", "3600", timeout=120))
            t += time.perf_counter() - t1
        time.sleep(0.5)
        _, pss_early, nprocs = mem(e.key)
        time.sleep(2.5)
        _, pss1, nprocs = mem(e.key)
        v = {"start20": t, "ctr_pss": (pss1 - pss0) / n, "ctr_pss_early": (pss_early - pss0) / n}
        if e.key in fallback:
            t_rm = e.timed("stop", "-t", "0", *ids, timeout=300) + e.timed("rm", *ids, timeout=300)
            if timed:
                fallback[e.key].append(t_rm)
        else:
            v["rm20"] = e.timed("rm", "-f", *(["-t", "0"] if e is podman else []), *ids, timeout=300)
        if e is not podman:
            v["idle_rss"] = rss0
        return v

    interleave(RUNS, 0, ENGINES, step)
    cell("idle_rss", "podman", "n/a", "no daemon")
    if fallback.get("berth"):
        cell("rm20", "berth", "failed",
             "`berth rm -f` of one running container did not return within 8 s (berthd's ContainerService.remove "
             "waits up to 30 s for an exit it is not told of); `stop -t 0` + `rm` of the 20 took "
             f"{statistics.median(fallback['berth']) * 1000:.0f} ms (median; not the same commands, so no ratio)")


# ---- 5. pull and push ----------------------------------------------------------------------------
def reset_push_registry():
    d = f"{T}/reg-push"
    try:
        pid = int(open(f"{d}/pid").read())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)
    except (OSError, ValueError):
        pass
    shutil.rmtree(f"{d}/data", ignore_errors=True)
    os.makedirs(f"{d}/data")
    p = subprocess.Popen(["docker-registry", "serve", f"{d}/config.yml"], stdout=open(f"{d}/log", "ab"),
                         stderr=subprocess.STDOUT, stdin=DEVNULL, start_new_session=True)
    open(f"{d}/pid", "w").write(str(p.pid))
    for _ in range(200):
        if subprocess.run(["curl", "-sf", f"http://{PUSH}/v2/"], stdout=DEVNULL, stderr=DEVNULL).returncode == 0:
            return
        time.sleep(0.05)
    raise Failed("push registry did not restart")


def make_big_image():
    """A 5-layer image of ~200 MB (uncompressed): per layer 24 MiB of random bytes and ~16 MiB of
    shared libraries (compressible), written as an OCI layout and pushed with skopeo (which gzips)."""
    import hashlib
    lay = f"{T}/bigimg"
    os.makedirs(f"{lay}/blobs/sha256")

    def blob(data):
        h = hashlib.sha256(data).hexdigest()
        open(f"{lay}/blobs/sha256/{h}", "wb").write(data)
        return "sha256:" + h, len(data)

    libs = []
    for root, _, files in os.walk("/usr/lib/x86_64-linux-gnu"):
        libs += [os.path.join(root, f) for f in sorted(files) if ".so" in f]
    libs = [f for f in libs if os.path.isfile(f) and not os.path.islink(f)]
    layers, diff_ids = [], []
    li = 0
    for i in range(5):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
            def add(name, data):
                ti = tarfile.TarInfo(name)
                ti.size, ti.mode, ti.mtime = len(data), 0o644, 1704067200
                tf.addfile(ti, io.BytesIO(data))
            add(f"data/layer{i}/random.bin", os.urandom(24 << 20))
            got = 0
            while got < (16 << 20) and li < len(libs):
                data = open(libs[li], "rb").read()[: (16 << 20) - got]
                add(f"data/layer{i}/lib{li}.so", data)
                got += len(data)
                li += 1
        d, size = blob(buf.getvalue())
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": size})
        diff_ids.append(d)
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/data"]},
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    cd, cs = blob(config)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd,
                                      "size": cs}, "layers": layers}).encode()
    md, ms = blob(manifest)
    json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                   "digest": md, "size": ms,
                                                   "annotations": {"org.opencontainers.image.ref.name": "latest"}}]},
              open(f"{lay}/index.json", "w"))
    open(f"{lay}/oci-layout", "w").write('{"imageLayoutVersion": "1.0.0"}')
    total = sum(x["size"] for x in layers)
    p = subprocess.run(["skopeo", "copy", "-q", "--format", "v2s2", "--dest-tls-verify=false", f"oci:{lay}:latest",
                        f"docker://{PULL}/bench/big:latest"], stdout=DEVNULL, stderr=subprocess.PIPE)
    if p.returncode:
        raise Failed("skopeo copy: " + p.stderr.decode(errors="replace")[-300:])
    shutil.rmtree(lay)
    m = json.loads(subprocess.run(["curl", "-sf", "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json",
                                   f"http://{PULL}/v2/bench/big/manifests/latest"], stdout=subprocess.PIPE).stdout)
    return total, sum(x["size"] for x in m["layers"]), len(m["layers"])


BIG = []  # (raw, gz, layers) of the bench image once it is in the pull registry


def big_image():
    if not BIG:
        BIG.append(make_big_image())
    return BIG[0]


def bench_pull_push():
    log("5. pull and push of a ~200 MB, 5-layer image from a local registry")
    raw, gz, nl = big_image()
    desc = f"{nl} layers, {raw / 2**20:.0f} MiB unpacked, {gz / 2**20:.0f} MiB gzipped"
    measure("pull", f"`pull` from a local registry ({desc})", target=("docker", 0.35),
            note="the image is removed from the engine before every pull")
    measure("push", f"`push` to a local registry, emptied before every push ({desc})",
            note="Docker and Podman gzip the layers again from their unpacked copies; berth keeps the compressed "
                 "blobs it pulled and sends those")
    # tiny probe image so that probing berth costs nothing
    docker.run("tag", "busybox:latest", f"{PULL}/bench/busybox:latest")
    docker.run("push", f"{PULL}/bench/busybox:latest", timeout=120)
    engines = [docker, podman]
    why = probe(berth, "pull", f"{PULL}/bench/busybox:latest")
    if why is None and probe(berth, "image", "inspect", f"{PULL}/bench/busybox:latest") is None:
        engines.insert(0, berth)
        why_push = probe(berth, "tag", f"{PULL}/bench/busybox:latest", f"{PUSH}/probe/busybox:latest") or \
            probe(berth, "push", f"{PUSH}/probe/busybox:latest", timeout=120)
        can_push = {berth.key: why_push is None}
        if why_push:
            not_yet("push", "berth", "berth push does not work yet:" + why_push)
    else:
        can_push = {}
        not_yet("pull", "berth", "berth pull does not work yet:" + (why or " image not found after pull"))
        not_yet("push", "berth", "berth push needs pull first")
    big = f"{PULL}/bench/big:latest"
    mine = f"{PUSH}/bench/big:latest"
    m = json.loads(subprocess.run(["curl", "-sf", "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json",
                                   f"http://{PULL}/v2/bench/big/manifests/latest"], stdout=subprocess.PIPE).stdout)
    layer_hex = [x["digest"].split(":")[1] for x in m["layers"]]
    leftovers = []

    def kept_blobs():  # berth's content store after rmi: a blob still there makes the next pull partly local
        return sum(os.path.exists(f"{T}/berth/data/blobs/sha256/{h}") for h in layer_hex)

    def registry_bytes():
        return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(f"{T}/reg-push/data") for f in fs)
    tls = lambda e: ["--tls-verify=false"] if e is podman else []

    @keys("pull", "push")
    def step(e, _):
        for ref in (big, mine):
            e.run("rmi", "-f", ref, check=False)
        if e is docker:  # dockerd keeps dangling layers of a removed image only when in use: none here
            e.run("image", "prune", "-f", check=False)
        if e is berth:
            leftovers.append(kept_blobs())
        v = {"pull": e.timed("pull", *tls(e), big, timeout=600)}
        if can_push.get(e.key, True):
            e.run("tag", big, mine)
            reset_push_registry()
            v["push"] = e.timed("push", *tls(e), mine, timeout=600)
            got = registry_bytes()
            if got < 0.9 * gz:
                raise Failed(f"after {e.label} push the registry holds {got / 2**20:.0f} MiB, not ~{gz / 2**20:.0f}")
        return v

    interleave(RUNS, 0, engines, step)
    if any(leftovers):
        got = results["pull"]["cells"].get("berth", {}).get("samples") or []
        cell("pull", "berth", "failed", f"berth kept {max(leftovers)} of {len(layer_hex)} layer blobs in its content "
             "store after `rmi -f` (no garbage collection of unreferenced blobs yet), so its pulls found the blobs "
             "locally and are not comparable" + (f" (they took {statistics.median(got) * 1000:.0f} ms, median)"
                                                  if got else ""))
    for e in engines:
        for ref in (big, mine):
            e.run("rmi", "-f", ref, check=False)


# ---- 5b. save and load ---------------------------------------------------------------------------
def proc_cpu(pid):
    """utime + stime of a process in seconds (its threads included), from /proc/<pid>/stat."""
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def bench_save_load():
    log("5b. save -o and load -i of the ~200 MB, 5-layer image; disk reference in the same iterations")
    raw, gz, nl = big_image()
    big = f"{PULL}/bench/big:latest"
    desc = f"{nl} layers, {raw / 2**20:.0f} MiB of layer tars"
    mib = -(-raw // 2**20)
    disk_note = (f"disk reference, measured in the same iterations (its turn rotates with the engines): "
                 f"`dd if=/dev/zero of=F bs=1M count={mib} conv=fsync` (write {mib} MiB to the same filesystem and "
                 f"flush it to the device) then `cat F > /dev/null` (read it back); `sync` before every timed "
                 f"command so that no one pays for another's dirty pages")
    measure("save", f"`save -o FILE` ({desc})", target=("disk", 1.0),
            note="the archive goes to a file on the engines' filesystem; " + disk_note)
    measure("load", f"`load -i FILE` of that engine's own save, image removed first ({desc})", target=("disk", 1.0),
            note="the archive file was written by the save just before it (so it is in the page cache for all "
                 "three); the image and its layers are removed before every load")
    engines = [docker, podman]
    tls = lambda e: ["--tls-verify=false"] if e is podman else []
    probe_tar = f"{T}/probe-save.tar"
    why = probe(berth, "save", "-o", probe_tar, "busybox:latest") or probe(berth, "load", "-i", probe_tar)
    if os.path.exists(probe_tar):
        os.remove(probe_tar)
    if why is None:
        engines.insert(0, berth)
    else:
        not_yet("save", "berth", "berth save/load do not work yet:" + why)
        not_yet("load", "berth", "berth save/load do not work yet")
    for e in list(engines):
        try:
            e.run("pull", *tls(e), big, timeout=600)
        except Failed as x:
            log(f"  FAILED {e.label}: {x}")
            for key in ("save", "load"):
                cell(key, e.key, "failed", str(x)[:300])
            engines.remove(e)
    disk = Engine("disk", "disk reference", [])
    cpu = {"save": [], "load": []}
    pid = S["berthd_pid"]

    def timed_cpu(e, timed, what, *args):
        subprocess.run(["sync"])
        c0 = proc_cpu(pid) if e is berth and timed else None
        t = e.timed(*args, timeout=600)
        if c0 is not None:
            c1 = proc_cpu(pid)
            if c1 is not None:
                cpu[what].append(c1 - c0)
        return t

    @keys("save", "load")
    def step(e, timed):
        f = f"{T}/saved-{e.key}.tar"
        if os.path.exists(f):
            os.remove(f)
        if e is disk:
            subprocess.run(["sync"])
            t = time.perf_counter()
            subprocess.run(["dd", "if=/dev/zero", f"of={f}", "bs=1M", f"count={mib}", "conv=fsync"], check=True,
                           stdout=DEVNULL, stderr=DEVNULL)
            t_write = time.perf_counter() - t
            t = time.perf_counter()
            subprocess.run(["cat", f], check=True, stdout=DEVNULL)
            t_read = time.perf_counter() - t
            os.remove(f)
            if timed:
                PROFILE.setdefault("disk", []).append((t_write, t_read))
            return {"save": t_write + t_read, "load": t_write + t_read}
        v = {"save": timed_cpu(e, timed, "save", "save", "-o", f, big)}
        size = os.path.getsize(f)
        if size < raw:
            raise Failed(f"{e.label} save wrote {size} bytes, less than the {raw} bytes of layer tars")
        PROFILE.setdefault("archive_bytes", {})[e.key] = size
        e.run("rmi", "-f", big)
        if e is docker:
            e.run("image", "prune", "-f", check=False)
        v["load"] = timed_cpu(e, timed, "load", "load", "-i", f)
        e.run("image", "inspect", big, stdout=DEVNULL)
        os.remove(f)
        return v

    interleave(RUNS, 1, engines + [disk], step)
    if cpu["save"] or cpu["load"]:
        PROFILE["save_load_cpu"] = {k: statistics.median(x) for k, x in cpu.items() if x}
    measure("busy_rss", "daemon RSS 10 s after the save/load rounds", unit="MiB", target=("docker", 0.75),
            note="berth = berthd; Docker = dockerd + containerd; one sample each, after all the iterations of "
                 "save and load above and 10 s without requests (what the daemons keep of that work)")
    time.sleep(10)
    for e in engines:
        if e is not podman:
            cell("busy_rss", e.key)["samples"].append(mem(e.key)[0])
    cell("busy_rss", "podman", "n/a", "no daemon")
    for e in engines:
        e.run("rmi", "-f", big, check=False)


# ---- 6. build ------------------------------------------------------------------------------------
DOCKERFILE = """FROM busybox
COPY payload /payload
RUN i=0; while [ $i -lt 5000 ]; do echo "line $i"; i=$((i+1)); done > /lines.txt
RUN wc -l /lines.txt /payload/* > /count.txt
ENV BENCH=1
WORKDIR /payload
CMD ["cat", "/count.txt"]
"""


def bench_build():
    log("6. build, cold (--no-cache) and fully cached")
    ctx = f"{T}/buildctx"
    os.makedirs(f"{ctx}/payload")
    open(f"{ctx}/Dockerfile", "w").write(DOCKERFILE)
    for i in range(20):
        open(f"{ctx}/payload/f{i}.txt", "w").write(f"payload file {i}\n" * 2000)
    measure("build_cold", "`build --no-cache` of a 6-step Dockerfile (FROM busybox, COPY, 2 × RUN, ENV, WORKDIR, CMD)",
            note="Docker: BuildKit in dockerd 20.10 (DOCKER_BUILDKIT=1 with docker.io's 20.10 CLI; the 28.x CLI has "
                 "no buildx here); Podman: buildah inside podman")
    measure("build_cached", "`build` again, every step cached", target=("docker", 1.0))
    engines = [docker_build, podman]
    probe_ctx = f"{T}/probectx"
    os.makedirs(probe_ctx)
    open(f"{probe_ctx}/Dockerfile", "w").write("FROM busybox\nRUN true\n")
    why = probe(berth, "build", "-t", "benchprobe:latest", probe_ctx, timeout=120)
    if why is None:
        engines.insert(0, berth)
    else:
        not_yet("build_cold", "berth", "berth build does not exist yet:" + why)
        not_yet("build_cached", "berth", "berth build does not exist yet")

    @keys("build_cold", "build_cached")
    def step(e, _):
        return {"build_cold": e.timed("build", "--no-cache", "-t", "benchbuild:latest", ctx, timeout=300),
                "build_cached": e.timed("build", "-t", "benchbuild:latest", ctx, timeout=300)}

    interleave(RUNS, 1, engines, step)


# ---- 7. logs -------------------------------------------------------------------------------------
def bench_logs():
    lines = 1_000_000
    log(f"7. logs of {lines:,} lines")
    measure("logs", f"`logs` of a container that printed {lines:,} lines (to /dev/null)", target=("docker", 0.20),
            note="default log driver of each: json-file (Docker), k8s-file (Podman, berth's conmon)")
    engines = []
    for e in ENGINES:
        try:
            e.run("rm", "-f", "benchlogs", check=False)
            e.run("run", "-d", "--name", "benchlogs", "--network", "none", "busybox", "seq", "1", str(lines))
            e.run("wait", "benchlogs", timeout=300)
            p = subprocess.run(e.argv + ["logs", "benchlogs"], env=e.env, stdout=subprocess.PIPE,
                               stderr=DEVNULL, timeout=300)
            text = p.stdout.decode(errors="replace")
            jvm = len(JVM_LOG.findall(text))
            text = JVM_LOG.sub("", text)
            got = text.count("\n")
            if jvm:
                results["logs"]["note"] += f"; berth's CLI also printed {jvm} JVM log lines on stdout (not counted)"
            if got == lines and text != "".join(f"{i}\n" for i in range(1, lines + 1)):
                cell("logs", e.key, "failed", "logs gave the right number of lines but not the right text")
                continue
            if got != lines:
                cell("logs", e.key, "failed", f"logs gave {got} lines, not {lines}")
                log(f"  {e.label} logs gave {got} lines, not {lines}")
                continue
            engines.append(e)
        except (Failed, subprocess.TimeoutExpired) as x:
            cell("logs", e.key, "failed", str(x)[:300])

    @keys("logs")
    def step(e, _):
        return {"logs": e.timed("logs", "benchlogs", timeout=300)}

    interleave(RUNS, 1, engines, step)
    if berth in engines and docker in engines:
        try:
            PROFILE["logs_api"] = logs_api_split()
        except (subprocess.SubprocessError, OSError) as x:
            PROFILE["logs_api_error"] = str(x)[:200]
    for e in ENGINES:
        e.run("rm", "-f", "benchlogs", check=False)


# ---- where berth's time goes -----------------------------------------------------------------------
def profile_berth():
    """JFR of berthd over a run loop, and an strace timeline of one `berth run --rm`."""
    log("profile: JFR of berthd during a run loop; strace timeline of one run")
    prof = {}
    jh = S["java_home"]
    pid = str(S["berthd_pid"])
    jfr = f"{T}/berthd.jfr"
    try:
        subprocess.run([f"{jh}/bin/jcmd", pid, "JFR.start", "name=bench", "settings=profile", f"filename={jfr}"],
                       check=True, stdout=DEVNULL, stderr=DEVNULL, timeout=60)
        for _ in range(10):
            berth.run("run", "--rm", "--network", "none", "busybox", "true")
        ids = [berth.new_id("run", "-d", "--network", "none", "busybox", "sleep", "3600") for _ in range(10)]
        berth.run("stop", "-t", "0", *ids)
        berth.run("rm", *ids)
        subprocess.run([f"{jh}/bin/jcmd", pid, "JFR.stop", "name=bench"], check=True, stdout=DEVNULL,
                       stderr=DEVNULL, timeout=60)
        p = subprocess.run([f"{jh}/bin/jfr", "print", "--json", "--events", "jdk.ExecutionSample", jfr],
                           stdout=subprocess.PIPE, stderr=DEVNULL, timeout=120)
        events = json.loads(p.stdout)["recording"]["events"]
        top, berth_top = Counter(), Counter()
        for ev in events:
            frames = ev["values"]["stackTrace"]["frames"] if ev["values"].get("stackTrace") else []
            names = [f"{f['method']['type']['name']}.{f['method']['name']}".replace("/", ".") for f in frames]
            if names:
                top[names[0]] += 1
                own = next((x for x in names if x.startswith("dev.berth.")), None)
                berth_top[own or "(no berth frame: " + names[-1] + ")"] += 1
        prof["jfr"] = {"samples": len(events), "top": top.most_common(12), "berth_top": berth_top.most_common(10),
                       "workload": "10 × run --rm --network none busybox true, 10 × run -d sleep, stop -t 0 and rm of those 10"}
    except Exception as x:  # a profile that fails must not lose the table
        prof["jfr_error"] = str(x)[:300]
    try:
        prof["timeline"] = strace_timeline(pid)
    except Exception as x:
        prof["timeline_error"] = str(x)[:300]
    try:
        prof["cli"] = cli_profile()
    except Exception as x:
        prof["cli_error"] = str(x)[:300]
    return prof


def strace_timeline(pid):
    """Exec, mount and exit events of the CLI and of berthd (and its children) for one run --rm."""
    tids = ",".join(os.listdir(f"/proc/{pid}/task"))
    dtrace, ctrace = f"{T}/berthd.strace", f"{T}/cli.strace"
    st = subprocess.Popen(["strace", "-f", "-tt", "-s", "300", "-e", "trace=execve,mount,umount2,exit_group", "-o",
                           dtrace, "-p", tids], stdout=DEVNULL, stderr=DEVNULL)
    time.sleep(1.5)
    t = time.perf_counter()
    subprocess.run(["strace", "-f", "--seccomp-bpf", "-tt", "-s", "300", "-e", "trace=execve,connect,exit_group", "-o", ctrace] +
                   berth.argv + ["run", "--rm", "--network", "none", "busybox", "true"], stdout=DEVNULL, stderr=DEVNULL,
                   timeout=60, check=True)
    wall = time.perf_counter() - t
    time.sleep(0.5)
    st.send_signal(signal.SIGINT)
    st.wait(timeout=30)

    def parse(path, who):
        ev = []
        for line in open(path):
            m = re.match(r"(\d+)\s+(\d\d):(\d\d):(\d\d\.\d+) (.*)", line)
            if not m:
                continue
            tt = int(m[2]) * 3600 + int(m[3]) * 60 + float(m[4])
            rest = m[5]
            if rest.startswith("execve(") and rest.rstrip().endswith("= 0"):
                argv = re.findall(r'"((?:[^"\\]|\\.)*)"', rest.split("[", 1)[1].split("]", 1)[0])
                prog = os.path.basename(argv[0]) if argv else "?"
                if argv and re.fullmatch(r"/proc/\d+/fd/\d+", argv[0]):
                    prog = "crun"  # berthd runs the runtime from a sealed memfd copy (ADR 0007)
                if prog == "crun":
                    sub = next((a for a in argv[1:] if not a.startswith("-")), "")
                    what = f"exec crun {sub}"
                elif prog == "java":
                    what = "exec java (the CLI's JVM)"
                else:
                    what = f"exec {prog}"
                ev.append((tt, who, what))
            elif rest.startswith("connect(") and ".sock" in rest:
                ev.append((tt, who, "connect to the daemon socket"))
            elif rest.startswith("mount(") and '"overlay"' in rest:
                ev.append((tt, who, "mount overlay rootfs"))
            elif rest.startswith("umount2(") and "/containers/" in rest:
                ev.append((tt, who, "umount rootfs"))
            elif rest.startswith("+++ exited") and who == "cli":
                ev.append((tt, who, "exit"))
        return ev

    cli = parse(ctrace, "cli")
    dmn = parse(dtrace, "berthd")
    start, end = cli[0][0], cli[-1][0]
    dmn = [e for e in dmn if start - 0.01 <= e[0] <= end + 0.01]
    cli = [e for e in cli if e[2] != "exit"] + [cli[-1]]
    allev = sorted(cli + dmn)
    out = []
    for tt, who, what in allev:
        line = f"{(tt - start) * 1000:7.1f} ms  {who:6s} {what}"
        if not out or out[-1][9:] != line[9:]:
            out.append(line)
    connect = next((e[0] for e in cli if e[2].startswith("connect")), None)
    d_execs = [e for e in dmn if e[2].startswith("exec")]
    crun = Counter(e[2].split()[-1] for e in dmn if e[2].startswith("exec crun"))
    helpers = sum(1 for e in dmn if e[2] == "exec jspawnhelper")
    first_conmon = next((e[0] for e in dmn if e[2] == "exec conmon"), None)
    start_ = next((e[0] for e in dmn if e[2] == "exec crun start"), None)
    summary = []
    if connect:
        summary.append(f"CLI exec → first connect to berthd (JVM start-up and CLI init): {(connect - start) * 1000:.0f} ms "
                       f"of {(end - start) * 1000:.0f} ms")
    if connect and first_conmon:
        summary.append(f"connect → berthd execs conmon (create, prepare rootfs and spec): "
                       f"{(first_conmon - connect) * 1000:.0f} ms")
    if first_conmon and start_:
        summary.append(f"conmon → `crun start` (conmon, crun create): {(start_ - first_conmon) * 1000:.0f} ms")
    if start_:
        summary.append(f"`crun start` → CLI exit (container runs `true`, exit noticed, removal, CLI exit): "
                       f"{(end - start_) * 1000:.0f} ms")
    else:
        summary.append("no `crun start`: berthd starts the container by opening crun's exec fifo itself (ADR 0007)")
    summary.append(f"berthd started {len(d_execs)} programs for this one run: " +
                   ", ".join(f"crun {k} × {v}" for k, v in sorted(crun.items())) +
                   f", conmon × {sum(1 for e in dmn if e[2] == 'exec conmon')}" +
                   (f", each through the JDK's jspawnhelper ({helpers} extra execs)" if helpers else ""))
    return {"wall_ms": wall * 1000, "events": out[:60], "summary": summary}


def cli_profile():
    """Where a berth CLI call's time goes: strace with a seccomp filter (only execve, connect and exit
    stop the process, so the JVM runs at nearly full speed) over 5 × `berth ps` and 5 × `berth run --rm`:
    exec → first request (start-up), first request → exit (the requests, the daemon's work, shutdown)."""
    out = {}
    for name, args in (("ps", ["ps"]), ("run --rm --network none busybox true",
                                        ["run", "--rm", "--network", "none", "busybox", "true"])):
        runs = []
        for i in range(5):
            f = f"{T}/cli-{i}.strace"
            t = time.perf_counter()
            subprocess.run(["strace", "-f", "--seccomp-bpf", "-tt", "-e", "trace=execve,connect,exit_group", "-o", f]
                           + berth.argv + args, stdout=DEVNULL, stderr=DEVNULL, timeout=60, check=True)
            wall = (time.perf_counter() - t) * 1000
            ts, first_connect = [], None
            for line in open(f):
                m = re.match(r"\d+\s+(\d\d):(\d\d):(\d\d\.\d+) (.*)", line)
                if not m:
                    continue
                tt = (int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])) * 1000
                ts.append(tt)
                if first_connect is None and m[4].startswith("connect(") and S["berth_sock"] in m[4]:
                    first_connect = tt
            if ts and first_connect:
                runs.append({"wall": wall, "startup": first_connect - ts[0], "rest": ts[-1] - first_connect})
        if runs:
            out[name] = {k: statistics.median(r[k] for r in runs) for k in ("wall", "startup", "rest")}
    return out


def logs_api_split():
    """`logs` through the API alone (curl), to tell the daemon's part from the CLI's."""
    out = {}
    for key, sock, cli in (("berth", S["berth_sock"], berth), ("docker", S["docker_sock"], docker)):
        ts = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run(["curl", "-sf", "--unix-socket", sock, "-o", "/dev/null",
                            "http://localhost/v1.41/containers/benchlogs/logs?stdout=1&stderr=1"], check=True,
                           timeout=300)
            ts.append(time.perf_counter() - t)
        out[key] = statistics.median(ts)
    return out


# ---- report --------------------------------------------------------------------------------------
def summarize():
    for m in results.values():
        for c in m["cells"].values():
            s = c["samples"]
            if s and c["status"] == "ok":
                c["median"], c["min"], c["max"] = statistics.median(s), min(s), max(s)
            elif c["status"] == "ok":
                c["status"], c["note"] = "failed", c.get("note") or "no samples"


def fmt(v, unit):
    if unit == "s":
        return f"{v * 1000:.0f} ms" if v < 10 else f"{v:.1f} s"
    return f"{v:.1f} {unit}"


def fmt_cell(c, unit):
    if c is None:
        return "—"
    if c["status"] != "ok":
        return c["status"]
    lo, hi = fmt(c["min"], unit).split()[0], fmt(c["max"], unit)
    if fmt(c["min"], unit).split()[1] != fmt(c["max"], unit).split()[1]:
        lo = fmt(c["min"], unit)
    return f"{fmt(c['median'], unit)} ({lo}–{hi})"


def ratio(m, other):
    a, b = m["cells"].get("berth"), m["cells"].get(other)
    if a and b and a["status"] == "ok" and b["status"] == "ok" and b["median"] > 0:
        return a["median"] / b["median"]
    return None


def target_of(m):
    t = m["target"]
    if not t:
        return "—", None
    kind, x = t
    if kind == "abs":
        a = m["cells"].get("berth")
        met = None if not a or a["status"] != "ok" else a["median"] <= x
        return f"< {fmt(x, m['unit'])}", met
    r = ratio(m, kind)
    if kind == "disk":
        d = m["cells"].get("disk")
        ref = f" ({fmt(d['median'], m['unit'])})" if d and d["status"] == "ok" else ""
        return f"≤ {x:g}× disk{ref}", None if r is None else r <= x
    return f"≤ {x:g}× Docker", None if r is None else r <= x


def versions():
    def first(cmd, env=None):
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30,
                               env=dict(os.environ, **(env or {})))
            return strip_jvm_log(p.stdout.decode(errors="replace"), "version").strip().splitlines()[0]
        except Exception as x:
            return f"? ({x})"
    return {
        "berth": first(berth.argv + ["version", "--format", "{{.Client.Version}} (CLI), {{.Server.Version}} (berthd), "
                                     "Java {{.Client.JavaVersion}}"]),
        "dockerd": first(["/usr/sbin/dockerd", "--version"]),
        "containerd": first(["/usr/bin/containerd", "--version"]),
        "runc": first(["runc", "--version"]),
        "docker CLI (all docker cells but build)": first([S["docker_cli"], "--version"]),
        "docker CLI (build, BuildKit)": first(["/usr/bin/docker", "--version"]),
        "podman": first(["podman", "--version"]),
        "crun": first(["crun", "--version"]),
        "conmon": first(["conmon", "--version"]),
        "netavark": first(["/usr/lib/podman/netavark", "--version"]),
        "docker-registry": first(["docker-registry", "--version"]),
    }


def berth_source():
    """Which berth was measured: the distribution's path and the checkout's commit (read-only git)."""
    git = lambda *a: subprocess.run(["git", "-C", S["repo"], *a], stdout=subprocess.PIPE, stderr=DEVNULL,
                                    text=True).stdout.strip()
    dirty = len(git("status", "--porcelain", "--untracked-files=no").splitlines())
    return (f"distribution {S['dist']}, checkout at {git('rev-parse', '--short', 'HEAD') or '?'}"
            + (f" with {dirty} modified tracked files (uncommitted work of other engineers included)" if dirty else ""))


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    memkb = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    osr = dict(l.rstrip().split("=", 1) for l in open("/etc/os-release") if "=" in l)
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gib": round(memkb / 2**20, 1), "kernel": platform.release(),
            "os": osr.get("PRETTY_NAME", "?").strip('"'),
            "cgroups": "hybrid (v1 controllers + v2 unified)" if os.path.isdir("/sys/fs/cgroup/unified") else
            ("v2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "v1")}


ORDER = ["run_none", "run_bridge", "run_none_docker_cli", "ps", "ps_docker_cli", "version", "start20", "rm20", "idle_rss", "ctr_pss", "ctr_pss_early",
         "pull", "push", "save", "load", "busy_rss", "build_cold", "build_cached", "logs"]


def write_markdown(meta, prof, chart_note):
    L = []
    L.append("# berth vs Docker vs Podman")
    L.append("")
    L.append(f"Measured by `make bench` (bench/bench.sh + bench/harness.py) on {meta['date']}, "
             f"{meta['runs']} runs per cell, interleaved (engine order rotates each iteration), in {meta['elapsed_s']:.0f} s.")
    L.append(f"Machine: {meta['machine']['cpu']}, {meta['machine']['cores']} cores, {meta['machine']['mem_gib']} GiB, "
             f"{meta['machine']['os']}, kernel {meta['machine']['kernel']}, cgroups {meta['machine']['cgroups']}. "
             f"berth: {meta['berth_source']}. "
             f"Load average at start {meta['load_start']}, at end {meta['load_end']}"
             " (other work was running on this 2-core machine: read small differences as noise).")
    L.append("")
    L.append("Figures: median (min–max). Ratios are of medians; below 1 means berth is faster or smaller. "
             "Targets are goals, not assertions.")
    L.append("")
    L.append("| measure | berth | Docker | Podman | berth/Docker | berth/Podman | target | met |")
    L.append("|---|---|---|---|---|---|---|---|")
    notes = []
    for k in ORDER:
        m = results.get(k)
        if not m:
            continue
        c = m["cells"]
        rd, rp = ratio(m, "docker"), ratio(m, "podman")
        tgt, met = target_of(m)
        mark = "—" if m["target"] is None else ("not yet" if met is None else ("✅ met" if met else "❌ missed"))
        L.append(f"| {m['title']} | {fmt_cell(c.get('berth'), m['unit'])} | {fmt_cell(c.get('docker'), m['unit'])} | "
                 f"{fmt_cell(c.get('podman'), m['unit'])} | {'—' if rd is None else f'{rd:.2f}×'} | "
                 f"{'—' if rp is None else f'{rp:.2f}×'} | {tgt} | {mark} |")
        if m["note"]:
            notes.append(f"- *{m['title']}*: {m['note']}.")
        for e, ce in c.items():
            if ce["status"] != "ok" and ce["note"]:
                notes.append(f"- *{m['title']}*, {e}: **{ce['status']}**: {ce['note']}")
    if SKIPPED:
        L.append("")
        L.append(f"**Not measured for want of time in this run:** {', '.join(SKIPPED)} (BENCH_BUDGET_S={BUDGET:.0f}).")
    L.append("")
    L.append(f"![ratios](latest.png)" if chart_note is None else f"(no chart: {chart_note})")
    L.append("")
    L.append("## Notes")
    L.append("")
    L += notes
    if jvm_log_lines["berth"]:
        L.append(f"- The berth CLI printed JVM log lines (`[..s][error][cds] ...`, from the launcher's AppCDS archive) "
                 f"on **stdout** {jvm_log_lines['berth']} times in the commands whose output the harness read; they "
                 "were stripped before parsing ids and counting log lines. A script doing `id=$(berth run -d ...)` "
                 "gets them too.")
    L.append("")
    L.append("## Which CLI talks to which engine, versions")
    L.append("")
    L.append(f"- berth: berth's own CLI (a JVM started by scripts/berth, with the AOT cache `make build` trains) → berthd, private `--data-root`/`--exec-root`/socket under a temp dir.")
    L.append(f"- Docker: `{S['docker_cli']}` (the preinstalled 28.x CLI) → dockerd 20.10 from Debian's docker.io, with its own "
             f"containerd child, private `--data-root`/`--exec-root`/socket, bridge on {S['docker_net']}. "
             "Builds use docker.io's `/usr/bin/docker` 20.10 CLI with DOCKER_BUILDKIT=1 (BuildKit inside dockerd).")
    L.append(f"- docker CLI on berthd: the same `{S['docker_cli']}` → berthd's socket.")
    L.append(f"- Podman: `podman` 4.3 (Debian), rootful, private `--root`/`--runroot`/tmp/network dirs and containers.conf "
             f"(cgroupfs, crun, netavark on {S['podman_net']}, k8s-file logs, file locks, nofile 1024:1024 and nproc 32768: Podman's defaults exceed the hard "
             "limits here and crun then refuses to start anything). All three import the busybox tar with "
             "`--change 'CMD [\"sh\"]' --change 'ENV PATH=...'` (Docker's default PATH; Podman adds none).")
    L.append("")
    for k, v in meta["versions"].items():
        L.append(f"- {k}: {v}")
    L.append("")
    L.append("## Where berth's time goes")
    L.append("")
    L.append("Measured in the same run (profiles, not guesses):")
    L.append("")
    med = lambda k, e: (results.get(k, {}).get("cells", {}).get(e) or {}).get("median")
    r_b, r_dob, r_d = med("run_none", "berth"), med("run_none_docker_cli", "berth"), med("run_none_docker_cli", "docker")
    v_b, ps_b = med("version", "berth"), med("ps", "berth")
    if r_b and r_dob:
        L.append(f"- `run --rm --network none`: {r_b * 1000:.0f} ms with the berth CLI, {r_dob * 1000:.0f} ms with the "
                 f"docker CLI on the same berthd" + (f" (dockerd: {r_d * 1000:.0f} ms)" if r_d else "") +
                 f". So about {(r_b - r_dob) * 1000:.0f} ms of berth's figure is its CLI (a JVM"
                 + (f"; `berth --version` alone takes {v_b * 1000:.0f} ms" if v_b else "") + "), and the daemon side "
                 "is " + ("faster" if r_d and r_dob < r_d else "slower") + " than dockerd's.")
    if ps_b and v_b:
        L.append(f"- `berth ps`: {ps_b * 1000:.0f} ms; `berth --version`, which makes no request, {v_b * 1000:.0f} ms; "
                 f"the docker CLI on berthd does the same `ps` in {(med('ps_docker_cli', 'berth') or 0) * 1000:.0f} ms. "
                 "The request is a few ms: nearly all of `berth ps` is the CLI's start-up.")
    L.append("")
    tl = prof.get("timeline")
    if tl:
        L.append(f"**One `berth run --rm --network none busybox true` under strace** (wall {tl['wall_ms']:.0f} ms; "
                 "the CLI traced with a seccomp filter, berthd attached with a plain strace -f, which slows its "
                 "forks and execs: read the shape, not the totals):")
        L.append("")
        L += [f"- {x}" for x in tl["summary"]]
        L.append("")
        L.append("<details><summary>timeline (ms from the CLI's exec; cli = the berth CLI, berthd = the daemon and "
                 "its children: jspawnhelper, conmon, crun, the container)</summary>")
        L.append("")
        L.append("```")
        L += tl["events"]
        L.append("```")
        L.append("</details>")
    else:
        L.append(f"(no strace timeline: {prof.get('timeline_error')})")
    L.append("")
    if prof.get("cli"):
        L.append("**A berth CLI call, exec → first request → exit** (strace with a seccomp filter, so that only "
                 "execve/connect/exit stop the JVM; median of 5 each):")
        L.append("")
        for name, c in prof["cli"].items():
            L.append(f"- `berth {name}`: {c['wall']:.0f} ms; start-up until the first request "
                     f"{c['startup']:.0f} ms, then {c['rest']:.0f} ms for the requests and exit")
    else:
        L.append(f"(no CLI profile: {prof.get('cli_error', 'no data')})")
    L.append("")
    if prof.get("disk"):
        w = statistics.median(x[0] for x in prof["disk"])
        r = statistics.median(x[1] for x in prof["disk"])
        c = prof.get("save_load_cpu", {})
        sizes = ", ".join(f"{k} {v / 2**20:.0f} MiB" for k, v in prof.get("archive_bytes", {}).items())
        cpu = "; ".join(f"per {k} {c[k] * 1000:.0f} ms" for k in ("save", "load") if k in c)
        L.append(f"**save / load against the disk** (medians): writing an archive-sized file with dd conv=fsync "
                 f"took {w * 1000:.0f} ms, reading it back with cat {r * 1000:.0f} ms; archives: {sizes}"
                 + (f". berthd CPU time (utime + stime from /proc): {cpu}" if cpu else "") + ".")
        L.append("")
    la = prof.get("logs_api")
    if la:
        L.append(f"**`logs` of 1M lines, API alone** (curl on the socket, median of 3): berthd {la['berth'] * 1000:.0f} ms, "
                 f"dockerd {la['docker'] * 1000:.0f} ms; the rest of each CLI's figure above is the CLI's "
                 "(demultiplexing and writing).")
        L.append("")
    j = prof.get("jfr")
    if j:
        L.append(f"**JFR (settings=profile) of berthd** during {j['workload']}: {j['samples']} execution samples "
                 "(JFR samples threads running Java code only; time berthd spends waiting on conmon/crun is in the "
                 "strace timeline above, not here).")
        L.append("")
        if j["samples"] < 50:
            L.append(f"So few samples means berthd spends almost no CPU in Java code over ~10 s of this workload: "
                     "its part of the wall-clock time is waiting for the programs it starts (see the timeline).")
            L.append("")
        L.append("Top frames (self): " + "; ".join(f"`{f}` {n}" for f, n in j["top"][:8]))
        L.append("")
        L.append("By innermost berth frame: " + "; ".join(f"`{f}` {n}" for f, n in j["berth_top"][:8]))
    else:
        L.append(f"(no JFR profile of berthd: {prof.get('jfr_error')})")
    L.append("")
    L.append("## Reproduce")
    L.append("")
    L.append("`make bench` (as root; installs docker.io, podman and python3-matplotlib from Debian when missing, "
             "never touches /var/lib/docker, /var/lib/containers or /var/run/docker.sock, and removes everything it "
             "started). `BENCH_RUNS=3 make bench` for a quick look. Raw samples: `latest.json`.")
    open(f"{OUT}/latest.md", "w").write("\n".join(L) + "\n")


def write_chart():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as x:
        return f"matplotlib missing ({x}); apt-get install python3-matplotlib"
    rows = []
    for k in ORDER:
        m = results.get(k)
        if not m:
            continue
        rd, rp = ratio(m, "docker"), ratio(m, "podman")
        t = m["target"][1] if m["target"] and m["target"][0] == "docker" else None
        short = re.sub(r"`", "", m["title"]).split(" (")[0].split(":")[0]

        def why(other):
            a, b = m["cells"].get("berth"), m["cells"].get(other)
            return a["status"] if a and a["status"] != "ok" else "n/a" if not b else b["status"]
        rows.append((short[:60], rd, rp, t, why("docker"), why("podman")))
    rows.reverse()
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(rows) + 1.5))
    y = range(len(rows))
    h = 0.38
    ax.barh([i + h / 2 for i in y], [r[1] or 0 for r in rows], h, label="berth / Docker", color="#1f77b4")
    ax.barh([i - h / 2 for i in y], [r[2] or 0 for r in rows], h, label="berth / Podman", color="#ff7f0e")
    for i, r in enumerate(rows):
        if r[3]:
            ax.plot([r[3], r[3]], [i - 0.05, i + 0.45], color="green", lw=2.5)
        for off, v, w in ((h / 2, r[1], r[4]), (-h / 2, r[2], r[5])):
            ax.text(v * 1.05 if v else 0.011, i + off, f"{v:.2f}×" if v else w, va="center", fontsize=7)
    ax.set_xscale("log")
    ax.set_xlim(0.01, max([10] + [v * 3 for r in rows for v in r[1:3] if v]))
    ax.axvline(1, color="black", lw=0.8)
    ax.set_yticks(list(y))
    ax.set_yticklabels([r[0] for r in rows], fontsize=8)
    ax.set_xlabel("ratio of medians (log scale; < 1 = berth faster/smaller); green tick = target vs Docker")
    ax.set_title(f"berth vs Docker 20.10 and Podman 4.3 — {datetime.date.today()}")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(f"{OUT}/latest.png", dpi=110)
    return None


def main():
    load_start = open("/proc/loadavg").read().split()[:3]
    only = os.environ.get("BENCH_ONLY", "").split(",") if os.environ.get("BENCH_ONLY") else None
    steps = [("run", bench_run), ("cli", bench_cli), ("detached", bench_detached), ("pull", bench_pull_push),
             ("save", bench_save_load), ("build", bench_build), ("logs", bench_logs)]
    for name, f in steps:
        if only and name not in only:
            continue
        if time.time() - T0 > BUDGET:
            log(f"  step {name} skipped: time budget ({BUDGET:.0f} s) spent")
            SKIPPED.append(name)
            continue
        try:
            f()
        except Failed as x:
            log(f"  step {name} failed: {x}")
    prof = PROFILE
    if not only or "profile" in only:
        prof.update(profile_berth())
    summarize()
    meta = {"date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), "runs": RUNS,
            "elapsed_s": time.time() - T0, "machine": machine(), "load_start": " ".join(load_start),
            "load_end": " ".join(open("/proc/loadavg").read().split()[:3]), "versions": versions(),
            "berth_source": berth_source()}
    os.makedirs(OUT, exist_ok=True)
    json.dump({"meta": meta, "results": results, "profile": prof}, open(f"{OUT}/latest.json", "w"), indent=1)
    chart_note = write_chart()
    write_markdown(meta, prof, chart_note)
    log(f"wrote {OUT}/latest.md, latest.json{'' if chart_note else ', latest.png'}")
    print(open(f"{OUT}/latest.md").read())


if __name__ == "__main__":
    main()
