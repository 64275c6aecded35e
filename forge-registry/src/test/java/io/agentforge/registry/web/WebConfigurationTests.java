package io.agentforge.registry.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebConfigurationTests {

    @Test
    void withoutASettingTheListenBacklogHoldsAReconnectStorm() {
        assertThat(new WebConfiguration.WebProperties(null, null).acceptQueueSize())
                .isEqualTo(1024);
    }

    @Test
    void aConfiguredListenBacklogIsKept() {
        assertThat(new WebConfiguration.WebProperties(null, 64).acceptQueueSize())
                .isEqualTo(64);
    }
}
