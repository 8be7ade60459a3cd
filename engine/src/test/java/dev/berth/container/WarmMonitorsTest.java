package dev.berth.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bookkeeping of monitors spawned at create: strings stand in for conmon launches. */
class WarmMonitorsTest {
    private final List<String> killed = new CopyOnWriteArrayList<>();

    @Test
    void aStartTakesTheMonitorItsCreateSpawnedOnce() {
        try (WarmMonitors<String> warm = new WarmMonitors<>(killed::add, 8, 60_000)) {
            warm.offer("a", () -> "conmon-a");
            assertThat(warm.take("a")).contains("conmon-a");
            assertThat(warm.take("a")).as("a restart spawns its own").isEmpty();
            assertThat(warm.take("never-created")).isEmpty();
        }
        assertThat(killed).as("a taken monitor is the taker's, not killed at close").isEmpty();
    }

    @Test
    void aFailedSpawnLeavesTheStartToSpawnOne() {
        try (WarmMonitors<String> warm = new WarmMonitors<>(killed::add, 8, 60_000)) {
            warm.offer("a", () -> {
                throw new IOException("conmon not found");
            });
            assertThat(warm.take("a")).isEmpty();
        }
    }

    @Test
    void removingOrRenamingTheContainerKillsItsMonitor() throws Exception {
        try (WarmMonitors<String> warm = new WarmMonitors<>(killed::add, 8, 60_000)) {
            CountDownLatch spawning = new CountDownLatch(1);
            warm.offer("slow", () -> {
                spawning.await();
                return "conmon-slow";
            });
            warm.offer("b", () -> "conmon-b");
            warm.discard("slow"); // still spawning: killed once it exists
            warm.discard("b");
            spawning.countDown();
            awaitKilled(2);
            assertThat(killed).containsExactlyInAnyOrder("conmon-slow", "conmon-b");
            assertThat(warm.take("b")).isEmpty();
        }
    }

    @Test
    void atMostMaxWaitingAndNoneOlderThanMaxAge() throws Exception {
        try (WarmMonitors<String> warm = new WarmMonitors<>(killed::add, 2, 200)) {
            warm.offer("a", () -> "conmon-a");
            warm.offer("b", () -> "conmon-b");
            warm.offer("c", () -> "conmon-c");
            assertThat(warm.waiting()).containsExactlyInAnyOrder("a", "b");
            awaitKilled(2);
            assertThat(killed).containsExactlyInAnyOrder("conmon-a", "conmon-b");
            assertThat(warm.waiting()).isEmpty();
            assertThat(warm.take("a")).isEmpty();
        }
    }

    @Test
    void closeKillsEveryWaitingMonitor() {
        WarmMonitors<String> warm = new WarmMonitors<>(killed::add, 8, 60_000);
        warm.offer("a", () -> "conmon-a");
        warm.offer("b", () -> "conmon-b");
        warm.close();
        assertThat(killed).containsExactlyInAnyOrder("conmon-a", "conmon-b");
    }

    private void awaitKilled(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (killed.size() < n && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }
}
