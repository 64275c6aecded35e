package io.agentforge.calculator;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CalculatorConfiguration {

    @Bean
    Calculator calculator() {
        return new Calculator(CalculatorLimits.DEFAULTS);
    }
}
