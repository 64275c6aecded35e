package io.agentforge.starter;

import java.math.BigDecimal;
import java.util.List;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.http.HttpStatus;

/** Tools exercising each path of the function endpoint. */
class SampleTools {

    record Sum(BigDecimal sum) {}

    record Point(int x, int y, List<String> tags) {}

    @Tool(name = "sample_add", description = "Adds two exact decimals. Returns their sum.")
    Sum add(@ToolParam(description = "First addend") BigDecimal a, BigDecimal b) {
        return new Sum(a.add(b));
    }

    @Tool(name = "sample_greet", description = "Greets someone, several times if asked")
    String greet(String name, @ToolParam(required = false, description = "How often") Integer times) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return ("Hello " + name + "! ").repeat(times == null ? 1 : times).strip();
    }

    @Tool(name = "sample_refuse", description = "Always refuses, with a precise problem")
    String refuse(String input) {
        throw new ToolProblemException(HttpStatus.CONFLICT, "sample-refused", "Refused", "No way: " + input)
                .with("position", 3);
    }

    @Tool(name = "sample_point", description = "Echoes a point")
    Point point(Point point) {
        return point;
    }

    @Tool(name = "sample_whoami", description = "Names the verified caller")
    String whoami(ToolContext context) {
        Object caller = context.getContext().get(PublishedFunction.CALLER_CONTEXT_KEY);
        return caller instanceof ForgeCaller verified ? verified.name() : "anonymous";
    }

    @Tool(name = "sample_caller", description = "Names the principal and who acts for it")
    String caller() {
        return ForgeCaller.current()
                .map(c -> c.principal()
                        + (c.actorChain().isEmpty() ? "" : " via " + String.join(" via ", c.actorChain())))
                .orElse("anonymous");
    }

    @Tool(name = "sample_broken", description = "Has a bug")
    String broken(String input) {
        Object missing = null;
        return missing.toString() + input;
    }

    @Tool(name = "sample_nothing", description = "Returns nothing")
    void nothing() {}
}
