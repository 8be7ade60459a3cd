package dev.berth.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A test class whose tests share one berthd on crun, started before the first and closed after the last. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedDaemon {
    DaemonFixture d;

    @BeforeAll
    void startSharedDaemon() throws Exception {
        d = new DaemonFixture("crun");
    }

    @AfterAll
    void closeSharedDaemon() throws Exception {
        if (d != null) {
            d.close();
        }
    }
}
