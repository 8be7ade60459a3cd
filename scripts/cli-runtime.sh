#!/bin/sh
# Links the berth CLI's own Java runtime into DIST/runtime (ADR 0014): the JDK modules the CLI's jars
# use (jdeps says which; java.base today) plus dev.berth.entropy, whose SecureRandom provider is listed
# first in the runtime's java.security so that the first unix socket of every call does not build the
# JDK's SUN provider. scripts/berth runs the CLI on it when it is there, else on JAVA_HOME's java.
# Usage: cli-runtime.sh DIST ENTROPY_JAR. Leaves DIST/runtime complete or absent, never half-made.
set -eu
dist=$1
jar=$2
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
tmp=$dist/runtime.tmp
rm -rf "$tmp" "$dist/runtime"
trap 'rm -rf "$tmp"' EXIT
modules=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps "$dist"/lib/cli/*.jar)
"$JAVA_HOME/bin/jlink" --module-path "$jar" --add-modules "$modules,dev.berth.entropy" \
  --strip-debug --no-man-pages --no-header-files --output "$tmp"
"$tmp/bin/java" -m dev.berth.entropy/dev.berth.entropy.RuntimeConfig "$tmp"
# the provider must answer in the linked runtime, not only in the build's JDK
"$tmp/bin/java" -m dev.berth.entropy/dev.berth.entropy.RuntimeCheck
mv "$tmp" "$dist/runtime"
echo "linked the CLI's runtime ($modules,dev.berth.entropy; $(du -sm "$dist/runtime" | cut -f1) MiB)"
