package io.agentforge.calculator;

import io.agentforge.web.VirtualThreads;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The calculator tool: exact decimal arithmetic published to the registry as {@code calculator_*} functions. */
// Callers' keys are checked by the starter's filter. Should Spring Security reach the class path (the registry does,
// when both run in one JVM in end-to-end tests), its defaults would put basic auth in front of everything.
@SpringBootApplication(
        excludeName = {
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"
        })
public class CalculatorApplication {

    public static void main(String[] args) {
        VirtualThreads.atLeastTwoCarriers();
        SpringApplication.run(CalculatorApplication.class, args);
    }
}
