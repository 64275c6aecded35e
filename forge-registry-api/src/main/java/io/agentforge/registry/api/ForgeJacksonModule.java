package io.agentforge.registry.api;

import java.time.Duration;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/** Jackson mapping of the wire contract: durations as {@code "30s"} (ISO-8601 accepted on input). */
public final class ForgeJacksonModule extends SimpleModule {

    public ForgeJacksonModule() {
        super("agent-forge");
        addSerializer(Duration.class, new ValueSerializer<>() {
            @Override
            public void serialize(Duration value, JsonGenerator generator, SerializationContext context) {
                generator.writeString(ForgeDurations.format(value));
            }
        });
        addDeserializer(Duration.class, new ValueDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser parser, DeserializationContext context) {
                if (parser.currentToken() != JsonToken.VALUE_STRING) {
                    return (Duration) context.handleUnexpectedToken(Duration.class, parser);
                }
                String text = parser.getString();
                try {
                    return ForgeDurations.parse(text);
                } catch (IllegalArgumentException e) {
                    throw context.weirdStringException(text, Duration.class, e.getMessage());
                }
            }
        });
    }

    /** A mapper for the wire contract, for clients that don't get one from Spring. */
    public static JsonMapper mapper() {
        return JsonMapper.builder().addModule(new ForgeJacksonModule()).build();
    }
}
