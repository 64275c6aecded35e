package io.agentforge.registry.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class WebConfigurationTests {

    @Test
    void aConfiguredWriteBufferReachesTomcatsEndpoint() {
        var connector = new Connector("HTTP/1.1");

        new WebConfiguration()
                .socketWriteBuffer(new WebConfiguration.WebProperties(null, DataSize.ofKilobytes(64)))
                .customize(connector);

        // Read back from the endpoint: Tomcat ignores a property it does not know.
        assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString(Integer.toString(64 * 1024));
    }

    @Test
    void withoutASettingTheWriteBufferIsTomcatsOwn() {
        assertThat(new WebConfiguration.WebProperties(null, null).socketWriteBuffer())
                .isEqualTo(DataSize.ofKilobytes(8));
    }
}
