package io.agentforge.e2e;

import io.agentforge.e2e.OtlpReceiver.ReceivedSpan;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One trace as a self-contained HTML waterfall (no scripts, no external resources), as a trace viewer draws it: one
 * row per span in tree order with its service, name, start offset, duration and a few key attributes. Used to render
 * the trace screenshot in docs/observability.md from the spans the in-test receiver collected.
 */
final class TraceWaterfall {

    /** Attributes worth a glance; everything else (ids, sizes) stays out of the picture. */
    private static final Set<String> SHOWN = Set.of(
            "http.route",
            "uri",
            "gen_ai.operation.name",
            "gen_ai.response.model",
            "gen_ai.usage.input_tokens",
            "gen_ai.usage.output_tokens",
            "gen_ai.response.finish_reasons",
            "gen_ai.tool.name",
            "agentforge.turn",
            "function",
            "outcome");

    private TraceWaterfall() {}

    static String html(String title, List<ReceivedSpan> spans) {
        long start = spans.stream().mapToLong(ReceivedSpan::startNanos).min().orElse(0);
        long end = spans.stream().mapToLong(ReceivedSpan::endNanos).max().orElse(start + 1);
        double total = Math.max(1, end - start);
        StringBuilder rows = new StringBuilder();
        Set<String> ids = spans.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
        spans.stream()
                .filter(s -> !ids.contains(s.parentSpanId()))
                .sorted(Comparator.comparingLong(ReceivedSpan::startNanos))
                .forEach(root -> row(root, 0, spans, start, total, rows));
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>%1$s</title><style>
                body{font:13px/1.35 system-ui,sans-serif;margin:16px;color:#1f2328;background:#fff}
                h1{font-size:16px;margin:0 0 4px} p{margin:0 0 12px;color:#59636e}
                table{border-collapse:collapse;width:100%%} th{text-align:left;font-weight:600;border-bottom:1px solid #d0d7de}
                td,th{padding:3px 6px;vertical-align:middle;white-space:nowrap} tr:nth-child(even) td{background:#f6f8fa}
                .num{text-align:right;font-variant-numeric:tabular-nums} .attrs{color:#59636e;font-size:11px;white-space:normal}
                .lane{width:38%%;position:relative} .bar{position:absolute;top:4px;height:12px;border-radius:2px;min-width:2px}
                .svc{display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:5px}
                .forge-console{background:#8250df} .forge-agent{background:#0969da} .calculator{background:#1a7f37}
                .forge-registry{background:#bf8700} .other{background:#6e7781}
                </style></head><body>
                <h1>%1$s</h1><p>%2$d spans, %3$.1f ms end to end</p>
                <table><thead><tr><th>Service</th><th>Span</th><th class="num">Start (ms)</th>
                <th class="num">Duration (ms)</th><th class="lane">Timeline</th></tr></thead><tbody>
                %4$s</tbody></table></body></html>
                """.formatted(escape(title), spans.size(), total / 1e6, rows);
    }

    private static void row(
            ReceivedSpan span, int depth, List<ReceivedSpan> spans, long start, double total, StringBuilder out) {
        String service = span.service() == null ? "unknown" : span.service();
        String colour = Set.of("forge-console", "forge-agent", "calculator", "forge-registry")
                        .contains(service)
                ? service
                : "other";
        double left = (span.startNanos() - start) / total * 100;
        double width = Math.max(0, span.endNanos() - span.startNanos()) / total * 100;
        String attributes = span.attributes().entrySet().stream()
                .filter(e -> SHOWN.contains(e.getKey()))
                .map(e -> escape(e.getKey() + "=" + e.getValue()))
                .collect(Collectors.joining(" · "));
        out.append(String.format(
                Locale.ROOT,
                "<tr data-service=\"%s\" data-span=\"%s\"><td><span class=\"svc %s\"></span>%s</td>"
                        + "<td style=\"padding-left:%dpx\">%s<div class=\"attrs\">%s</div></td>"
                        + "<td class=\"num\">%.1f</td><td class=\"num\">%.1f</td>"
                        + "<td class=\"lane\"><div class=\"bar %s\" style=\"left:%.2f%%;width:%.2f%%\"></div></td></tr>%n",
                escape(service),
                escape(span.name()),
                colour,
                escape(service),
                6 + depth * 14,
                escape(span.name()),
                attributes,
                (span.startNanos() - start) / 1e6,
                (span.endNanos() - span.startNanos()) / 1e6,
                colour,
                left,
                Math.min(width, 100 - left)));
        spans.stream()
                .filter(s -> s.parentSpanId().equals(span.spanId()))
                .sorted(Comparator.comparingLong(ReceivedSpan::startNanos))
                .forEach(child -> row(child, depth + 1, spans, start, total, out));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
