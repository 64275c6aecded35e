package io.agentforge.console.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;

/** A {@code @WebMvcTest} slice of every console controller, with the real security and fakes at the seams. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@WebMvcTest(properties = "agentforge.api-key=" + WebTestConfiguration.CONSOLE_KEY)
@Import(WebTestConfiguration.class)
public @interface ConsoleWebTest {}
