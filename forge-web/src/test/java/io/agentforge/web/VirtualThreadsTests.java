package io.agentforge.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VirtualThreadsTests {

    private String configured;

    @BeforeEach
    void remember() {
        configured = System.clearProperty(VirtualThreads.PARALLELISM);
    }

    @AfterEach
    void restore() {
        if (configured == null) {
            System.clearProperty(VirtualThreads.PARALLELISM);
        } else {
            System.setProperty(VirtualThreads.PARALLELISM, configured);
        }
    }

    @Test
    void anUnsetCountBecomesOnePerCoreButNeverFewerThanTwo() {
        VirtualThreads.atLeastTwoCarriers();

        assertThat(System.getProperty(VirtualThreads.PARALLELISM))
                .isEqualTo(Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }

    @Test
    void aConfiguredCountIsKept() {
        System.setProperty(VirtualThreads.PARALLELISM, "1");

        VirtualThreads.atLeastTwoCarriers();

        assertThat(System.getProperty(VirtualThreads.PARALLELISM)).isEqualTo("1");
    }
}
