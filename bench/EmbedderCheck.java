package io.agentforge.registry.search;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embedding model alone, in a JVM of its own: resident memory before and after loading it and after embedding the
 * labelled set, a digest of every vector (bit for bit: two builds that print the same digest embed identically), and
 * the time (wall clock and CPU of the embedding thread) to embed one question. Run by bench/embedder-check.sh.
 */
public final class EmbedderCheck {

    public static void main(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("bench.data", "bench/search"));
        JsonMapper json = JsonMapper.builder().build();
        List<String> questions = new ArrayList<>();
        for (JsonNode q : json.readTree(data.resolve("questions.json").toFile()).get("questions")) {
            questions.add(q.get("question").asString());
        }
        List<String> functions = new ArrayList<>();
        for (JsonNode s : json.readTree(data.resolve("functions.json").toFile()).get("services")) {
            for (JsonNode f : s.get("functions")) {
                functions.add(f.get("name").asString() + " " + f.get("description").asString());
            }
        }
        long before = rss();
        long started = System.nanoTime();
        try (MiniLmEmbedder model = new MiniLmEmbedder(1)) {
            long loadMs = (System.nanoTime() - started) / 1_000_000;
            long loaded = rss();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String text : functions) {
                update(digest, model.embed(text));
            }
            for (String text : questions) {
                update(digest, model.embed(text));
            }
            long used = rss();
            // Warm: the questions again, each timed.
            // CPU time of this thread too (ONNX Runtime runs on the calling thread with one intra-op thread): other
            // processes on a shared core stretch the wall-clock time, much less the CPU time.
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long[] nanos = new long[questions.size() * 3];
            long[] cpu = new long[nanos.length];
            int n = 0;
            for (int round = 0; round < 3; round++) {
                for (String text : questions) {
                    long c = threads.getCurrentThreadCpuTime();
                    long t = System.nanoTime();
                    model.embed(text);
                    nanos[n] = System.nanoTime() - t;
                    cpu[n++] = threads.getCurrentThreadCpuTime() - c;
                }
            }
            Arrays.sort(nanos);
            Arrays.sort(cpu);
            System.gc();
            Thread.sleep(500);
            System.out.printf(
                    "%s: load %d ms | RSS MiB: before %d, loaded %d (+%d), after %d embeddings %d (+%d), after GC %d"
                            + " | embed one question: p50 %.2f ms, p90 %.2f ms (CPU p50 %.2f ms) | vectors sha256 %s%n",
                    System.getProperty("bench.label", "embedder"),
                    loadMs,
                    before,
                    loaded,
                    loaded - before,
                    functions.size() + questions.size(),
                    used,
                    used - before,
                    rss(),
                    nanos[n / 2] / 1e6,
                    nanos[n * 9 / 10] / 1e6,
                    cpu[n / 2] / 1e6,
                    HexFormat.of().formatHex(digest.digest()).substring(0, 16));
        }
    }

    private static void update(MessageDigest digest, float[] vector) {
        for (float v : vector) {
            int bits = Float.floatToRawIntBits(v);
            digest.update((byte) bits);
            digest.update((byte) (bits >> 8));
            digest.update((byte) (bits >> 16));
            digest.update((byte) (bits >> 24));
        }
    }

    private static long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}
