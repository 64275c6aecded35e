package io.agentforge.gateway;

import io.agentforge.web.VirtualThreads;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The MCP gateway: every healthy tool of the registry behind one stateless MCP endpoint at {@code /mcp}. */
// Callers are checked by the starter's inbound filter; Spring Security's defaults would put basic auth in front.
@SpringBootApplication(
        excludeName = {
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"
        })
public class GatewayApplication {

    public static void main(String[] args) {
        VirtualThreads.atLeastTwoCarriers();
        SpringApplication.run(GatewayApplication.class, args);
    }
}
