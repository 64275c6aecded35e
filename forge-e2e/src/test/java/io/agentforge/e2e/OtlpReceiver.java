package io.agentforge.e2e;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An OTLP/HTTP trace receiver on loopback: decodes what the services export, as a collector would. */
final class OtlpReceiver implements AutoCloseable {

    /** One received span, its ids in lower-case hex as in {@code traceparent}, its times in Unix nanoseconds. */
    record ReceivedSpan(
            String service,
            String traceId,
            String spanId,
            String parentSpanId,
            String name,
            long startNanos,
            long endNanos,
            Map<String, String> attributes) {}

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        OtlpReceiver receiver = new OtlpReceiver(server);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                receiver.accept(ExportTraceServiceRequest.parseFrom(in.readAllBytes()));
                byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
                exchange.getResponseBody().write(answer);
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
        return receiver;
    }

    /** The base URL the services get as {@code AGENTFORGE_OTLP_ENDPOINT}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    private void accept(ExportTraceServiceRequest request) {
        HexFormat hex = HexFormat.of();
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service =
                    attributes(resource.getResource().getAttributesList()).get("service.name");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                scope.getSpansList()
                        .forEach(span -> spans.add(new ReceivedSpan(
                                service,
                                hex.formatHex(span.getTraceId().toByteArray()),
                                hex.formatHex(span.getSpanId().toByteArray()),
                                hex.formatHex(span.getParentSpanId().toByteArray()),
                                span.getName(),
                                span.getStartTimeUnixNano(),
                                span.getEndTimeUnixNano(),
                                attributes(span.getAttributesList()))));
            }
        }
    }

    private static Map<String, String> attributes(List<KeyValue> values) {
        Map<String, String> attributes = new LinkedHashMap<>();
        values.forEach(kv -> attributes.put(kv.getKey(), text(kv.getValue())));
        return attributes;
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case ARRAY_VALUE ->
                value.getArrayValue().getValuesList().stream()
                        .map(OtlpReceiver::text)
                        .toList()
                        .toString();
            default -> value.toString();
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
