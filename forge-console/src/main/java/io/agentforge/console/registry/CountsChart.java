package io.agentforge.console.registry;

import io.agentforge.console.RelativeTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart of registered and UP instances, drawn on the server as SVG polyline points so the page needs
 * no chart library and no script.
 *
 * @param registeredPoints SVG {@code points} of the registered line, empty when there is nothing to draw
 * @param upPoints         SVG {@code points} of the UP line
 * @param max              the value at the top of the chart
 * @param peak             the most instances registered at once in the window
 * @param span             how far back the chart reaches, phrased ("5 min")
 * @param summary          a sentence for screen readers
 */
public record CountsChart(
        String registeredPoints,
        String upPoints,
        long max,
        long peak,
        String span,
        String summary,
        long latestRegistered,
        long latestUp) {

    public static final int WIDTH = 600;
    public static final int HEIGHT = 120;
    private static final int PAD = 4;

    /** Draws the samples over the window that ends now and reaches back {@code window}. */
    public static CountsChart of(List<CountSample> samples, Instant now, Duration window) {
        if (samples.isEmpty()) {
            return new CountsChart("", "", 0, 0, phrase(window), "No samples yet.", 0, 0);
        }
        Instant start = now.minus(window);
        List<CountSample> shown =
                samples.stream().filter(sample -> !sample.at().isBefore(start)).toList();
        if (shown.isEmpty()) {
            return new CountsChart("", "", 0, 0, phrase(window), "No samples yet.", 0, 0);
        }
        long peak = shown.stream().mapToLong(CountSample::registered).max().orElse(0);
        long max = Math.max(1, peak);
        // Headroom so a flat line is not glued to the top edge.
        long top = max + Math.max(1, max / 5);
        StringBuilder registered = new StringBuilder();
        StringBuilder up = new StringBuilder();
        for (CountSample sample : shown) {
            double x = x(sample.at(), start, window);
            append(registered, x, y(sample.registered(), top));
            append(up, x, y(sample.up(), top));
        }
        CountSample last = shown.getLast();
        String summary = "Over the last " + phrase(window) + ": now " + last.registered() + " registered, " + last.up()
                + " up; at most " + peak + " registered.";
        return new CountsChart(
                registered.toString().strip(),
                up.toString().strip(),
                top,
                peak,
                phrase(window),
                summary,
                last.registered(),
                last.up());
    }

    private static double x(Instant at, Instant start, Duration window) {
        double share = (double) Duration.between(start, at).toMillis() / Math.max(1, window.toMillis());
        return PAD + Math.clamp(share, 0, 1) * (WIDTH - 2 * PAD);
    }

    private static double y(long value, long top) {
        return HEIGHT - PAD - (double) value / top * (HEIGHT - 2 * PAD);
    }

    private static void append(StringBuilder points, double x, double y) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }

    private static String phrase(Duration window) {
        return RelativeTime.phrase(window);
    }
}
