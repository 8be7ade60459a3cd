#!/bin/sh
# Builds a busybox root filesystem tar from Debian's busybox-static, laid out like the official
# image: /bin/busybox, one symlink per applet in /bin, a minimal /etc, all owned by root.
# Usage: scripts/busybox-image.sh OUT.tar
# Then:  berth import --change 'CMD ["sh"]' OUT.tar busybox:latest
set -eu

out=${1:?usage: $0 OUT.tar}
busybox=${BUSYBOX:-/bin/busybox}
if ! "$busybox" --list >/dev/null 2>&1; then
    echo "$0: $busybox is not a static busybox; install it with: apt-get install busybox-static" >&2
    exit 1
fi
if ldd "$busybox" >/dev/null 2>&1; then
    echo "$0: $busybox is dynamically linked; the image needs busybox-static" >&2
    exit 1
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT INT TERM

mkdir -p "$stage/bin" "$stage/etc" "$stage/root" "$stage/proc" "$stage/sys" "$stage/dev" \
    "$stage/var" "$stage/home" "$stage/tmp"
chmod 0755 "$stage" "$stage/bin" "$stage/etc" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/var" "$stage/home"
chmod 0700 "$stage/root"
chmod 1777 "$stage/tmp"

cp "$busybox" "$stage/bin/busybox"
chmod 0755 "$stage/bin/busybox"
for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] && continue
    ln -s busybox "$stage/bin/$applet"
done

cat >"$stage/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
PASSWD
cat >"$stage/etc/group" <<'GROUP'
root:x:0:
nobody:x:65534:
GROUP
chmod 0644 "$stage/etc/passwd" "$stage/etc/group"

# Sorted names and a fixed mtime make the tar, and so the layer's diff id, reproducible.
tar --create --file "$out" --directory "$stage" --sort=name --owner=0 --group=0 --numeric-owner \
    --mtime='2024-01-01 00:00:00Z' --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    .
echo "$out"
