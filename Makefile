# berth — the project's stable interface: make run | test | build | bench
SHELL := /bin/bash
JAVA_HOME ?= /usr/lib/jvm/temurin-25-jdk-amd64
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
MVN := ./mvnw -q -B
DIST := build/berth
SOCK ?= /run/berth/berth.sock
APT_PACKAGES := crun runc conmon containernetworking-plugins iptables tini busybox-static uidmap tmux curl procps docker-registry skopeo apache2-utils openssl golang-github-containers-common libdeflate0

.PHONY: run test build bench deps jdk clean

jdk:
	@if [ ! -x "$(JAVA_HOME)/bin/java" ] || ! "$(JAVA_HOME)/bin/java" -version 2>&1 | grep -qE 'version "2[5-9]|version "[3-9][0-9]'; then \
	  echo "berth needs JDK 25: none at JAVA_HOME=$(JAVA_HOME). Install Temurin 25 there or run make JAVA_HOME=/path/to/jdk25." >&2; exit 1; fi

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null || { echo "apt-get install failed:$$missing" >&2; exit 1; }; fi

build: jdk
	$(MVN) install -DskipTests
	@rm -rf $(DIST) && mkdir -p $(DIST)/bin $(DIST)/lib
	@# one cp per jar: the daemon's and the CLI's dependencies overlap, and one cp refuses duplicates
	@for j in daemon/target/lib/*.jar cli/target/lib/*.jar daemon/target/berth-daemon-*.jar cli/target/berth-cli-*.jar; do \
	  cp -f "$$j" $(DIST)/lib/; done
	@# the CLI's class path is its own three jars: every jar on it is opened at start-up (service lookups)
	@mkdir -p $(DIST)/lib/cli && cp -f cli/target/lib/berth-*.jar cli/target/berth-cli-*.jar $(DIST)/lib/cli/
	@install -m 0755 scripts/berth $(DIST)/bin/berth
	@install -m 0755 scripts/berthd $(DIST)/bin/berthd
	@install -m 0755 scripts/busybox-image.sh $(DIST)/bin/busybox-image.sh
	@# the CLI's own runtime: java.base and the entropy provider that spares each call the SUN provider (ADR 0014)
	@scripts/cli-runtime.sh $(DIST) cli-runtime/target/berth-cli-runtime-*.jar \
	  || echo "note: no linked runtime for the CLI (jlink failed); it runs on $(JAVA_HOME)"
	@# the CLI's AOT cache, trained on canned daemon replies; java, flags and class path as scripts/berth passes them
	@java=$(DIST)/runtime/bin/java; [ -x $$java ] || java=$(JAVA_HOME)/bin/java; \
	$$java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
	  -Xss512k -Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider -XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining \
	  -Djdk.reflect.useNativeAccessorOnly=true \
	  -XX:AOTCacheOutput=$(DIST)/lib/berth.aot -cp "$(CURDIR)/$(DIST)/bin/../lib/cli/*" dev.berth.cli.AotTraining >/dev/null 2>&1 \
	  || echo "note: no AOT cache for the CLI (needs JDK 25); it falls back to a CDS archive"
	@scripts/train-berthd.sh $(DIST)
	@echo "built $(DIST)"

run: deps jdk build
	@if ! curl -s --unix-socket $(SOCK) http://localhost/_ping >/dev/null 2>&1; then \
	  echo "starting berthd"; mkdir -p /var/log/berth; \
	  nohup $(DIST)/bin/berthd >/var/log/berth/berthd.log 2>&1 & \
	  for i in $$(seq 1 100); do curl -s --unix-socket $(SOCK) http://localhost/_ping >/dev/null 2>&1 && break; sleep 0.1; done; fi
	@if ! $(DIST)/bin/berth image inspect busybox:latest >/dev/null 2>&1; then \
	  tmp=$$(mktemp -d); $(DIST)/bin/busybox-image.sh $$tmp/busybox.tar && \
	  $(DIST)/bin/berth import --change 'CMD ["sh"]' $$tmp/busybox.tar busybox:latest; rm -rf $$tmp; fi
	$(DIST)/bin/berth run --rm busybox echo hello from berth

test: deps jdk
	$(MVN) install -Dsurefire.printSummary=true
	@cat */target/surefire-reports/*.txt | awk -F'[:,]' '/Tests run/ {r+=$$2; f+=$$4; e+=$$6; s+=$$8} END {printf "%d passed, %d failed, %d skipped\n", r-f-e-s, f+e, s}'

bench: jdk build
	bash bench/bench.sh   # results: bench/results/latest.md and latest.png; BENCH_RUNS=3 for a quick look

clean:
	$(MVN) clean; rm -rf build
