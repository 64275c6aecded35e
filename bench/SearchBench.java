import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Catalog-search benchmark client, driven by bench/search-bench.sh against a running registry. Subcommands:
 *
 * <pre>
 *   load     BASE KEY COPIES   register bench/search/functions.json; COPIES > 1 adds varied copies (10,000 functions at 29)
 *   wait     BASE KEY [lexical] until the model is loaded and no function waits for its embedding; prints the time
 *   quality  BASE KEY          recall@1, recall@5 and MRR@10 of lexical, semantic and hybrid on bench/search/questions.json
 *                              (whole set, tune half = even positions, test half = odd positions), of reciprocal-rank
 *                              fusion recomputed from the returned scores, and every question hybrid misses at rank 1
 *   latency  BASE KEY MODE N [fresh|warm-up]  N rounds of every question (after a warm-up round); per-round p50/p99
 *                              and their medians; fresh: texts the registry has not seen (no query-vector cache hits);
 *                              warm-up: new texts as well, never the ones a fresh run will send
 *   embed-one BASE KEY         registers one new function, time until search returns it with a semantic score
 * </pre>
 *
 * No dependencies: a small JSON reader below. Run: java bench/SearchBench.java quality http://127.0.0.1:19182 af_...
 */
public class SearchBench {

    static final Path DATA = Path.of(System.getProperty("bench.data", "bench/search"));
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static String base;
    static String key;

    public static void main(String[] args) throws Exception {
        base = args[1];
        key = args[2];
        switch (args[0]) {
            case "load" -> load(Integer.parseInt(args[3]));
            case "wait" -> waitForEmbeddings(args.length > 3 && args[3].equals("lexical"));
            case "quality" -> quality();
            case "latency" -> latency(args[3], Integer.parseInt(args[4]), args.length > 5 ? args[5] : "");
            case "embed-one" -> embedOne();
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    // ---- load

    @SuppressWarnings("unchecked")
    static void load(int copies) throws Exception {
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(DATA.resolve("functions.json")));
        List<Map<String, Object>> services = (List<Map<String, Object>>) root.get("services");
        String[] regions = {"", "for the EU region", "for the US region", "for the APAC region", "in the sandbox",
                "for tenant accounts", "for partners", "in the staging environment", "for internal teams"};
        int functions = 0;
        long start = System.nanoTime();
        for (int copy = 0; copy < copies; copy++) {
            for (Map<String, Object> service : services) {
                String name = (String) service.get("service") + (copy == 0 ? "" : "-v" + copy);
                List<Map<String, Object>> fs = new ArrayList<>();
                for (Map<String, Object> f : (List<Map<String, Object>>) service.get("functions")) {
                    Map<String, Object> copyOf = new LinkedHashMap<>(f);
                    if (copy > 0) {
                        copyOf.put("name", f.get("name") + "_v" + copy);
                        copyOf.put("description", f.get("description") + " Variant " + copy + " "
                                + regions[copy % regions.length] + ".");
                    }
                    fs.add(copyOf);
                }
                Map<String, Object> registration = new LinkedHashMap<>();
                registration.put("instanceId", name + "-1");
                registration.put("name", name);
                registration.put("kind", "TOOL");
                registration.put("version", "1.0.0");
                registration.put("description", service.get("description"));
                registration.put("endpoint", "http://192.0.2.1:9");
                registration.put("capabilities", service.get("capabilities"));
                registration.put("functions", fs);
                registration.put("leaseDuration", "1h");
                HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/instances"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(registration))));
                if (response.statusCode() != 201) {
                    throw new IllegalStateException(response.statusCode() + " " + response.body());
                }
                functions += fs.size();
            }
        }
        System.out.printf("registered %d functions of %d services in %.1f s%n", functions, services.size() * copies,
                (System.nanoTime() - start) / 1e9);
    }

    /** Until the model is loaded (unless lexical) and no function waits for its vector. */
    static void waitForEmbeddings(boolean lexical) throws Exception {
        long start = System.nanoTime();
        int pending;
        int first = -1;
        boolean loaded;
        do {
            Thread.sleep(200);
            Map<String, Object> result = search("wait", 1, "hybrid");
            loaded = lexical || "hybrid".equals(result.get("mode"));
            pending = ((Number) result.get("pendingEmbeddings")).intValue();
            if (first < 0 && loaded) {
                first = pending;
            }
        } while (!loaded || pending > 0);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("embeddings complete after %.1f s (%d were pending at the first look; %.1f ms per function)%n",
                seconds, first, first == 0 ? 0 : seconds * 1000 / first);
    }

    // ---- quality

    record Question(String text, List<String> answers) {
    }

    @SuppressWarnings("unchecked")
    static List<Question> questions() throws Exception {
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(DATA.resolve("questions.json")));
        List<Question> result = new ArrayList<>();
        for (Map<String, Object> q : (List<Map<String, Object>>) root.get("questions")) {
            result.add(new Question((String) q.get("question"), (List<String>) q.get("answers")));
        }
        return result;
    }

    /** Recall@1, recall@5 and MRR@10: a question counts as found at the best rank of any of its answers. */
    record Quality(double recall1, double recall5, double mrr) {

        static Quality of(List<Question> questions, List<List<String>> rankings) {
            double r1 = 0;
            double r5 = 0;
            double mrr = 0;
            for (int i = 0; i < questions.size(); i++) {
                int rank = Integer.MAX_VALUE;
                List<String> ranking = rankings.get(i);
                for (int r = 0; r < Math.min(10, ranking.size()); r++) {
                    if (questions.get(i).answers().contains(ranking.get(r))) {
                        rank = r + 1;
                        break;
                    }
                }
                r1 += rank == 1 ? 1 : 0;
                r5 += rank <= 5 ? 1 : 0;
                mrr += rank <= 10 ? 1.0 / rank : 0;
            }
            int n = questions.size();
            return new Quality(r1 / n, r5 / n, mrr / n);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "recall@1 %.3f  recall@5 %.3f  MRR %.3f", recall1, recall5, mrr);
        }

        String brief() {
            return String.format(Locale.ROOT, "%.3f / %.3f / %.3f", recall1, recall5, mrr);
        }
    }

    @SuppressWarnings("unchecked")
    static void quality() throws Exception {
        List<Question> questions = questions();
        System.out.printf("%d questions%n", questions.size());
        Map<String, List<List<String>>> byMode = new LinkedHashMap<>();
        // Component scores of every function any mode put in its top 100, for the offline fusion sweep.
        List<Map<String, double[]>> parts = new ArrayList<>();
        for (String mode : List.of("lexical", "semantic", "hybrid")) {
            byMode.put(mode, new ArrayList<>());
        }
        for (Question q : questions) {
            Map<String, double[]> scores = new HashMap<>();
            for (String mode : byMode.keySet()) {
                Map<String, Object> result = search(q.text(), 100, mode);
                if (!mode.equals(result.get("mode"))) {
                    throw new IllegalStateException("asked for " + mode + ", got " + result.get("mode"));
                }
                List<String> ranking = new ArrayList<>();
                for (Map<String, Object> match : (List<Map<String, Object>>) result.get("matches")) {
                    String name = (String) match.get("name");
                    ranking.add(name);
                    Object semantic = match.get("semanticScore");
                    scores.put(name, new double[] {((Number) match.get("lexicalScore")).doubleValue(),
                            semantic == null ? Double.NaN : ((Number) semantic).doubleValue()});
                }
                byMode.get(mode).add(ranking);
            }
            parts.add(scores);
        }
        System.out.println("(whole set | tune half: even positions in questions.json | test half: odd positions;"
                + " tune settings on the tune half, read the test half)");
        byMode.forEach((mode, rankings) -> printHalves(mode + " (server)", questions, rankings));
        System.out.println("-- reciprocal-rank fusion recomputed from the returned scores (top 100 of each mode)");
        printHalves("rrf k=60", questions, rrf(parts, 60));
        printHalves("rrf k=10", questions, rrf(parts, 10));
        // Where ranking loses: every question the hybrid ranking does not put first, with the rank each mode gave
        // its best answer (- = not in the top 10) and what hybrid put first.
        List<String> lost = new ArrayList<>();
        int[] missesAt5 = new int[3];
        List<String> modes = List.of("lexical", "semantic", "hybrid");
        for (int i = 0; i < questions.size(); i++) {
            int[] ranks = new int[3];
            for (int m = 0; m < 3; m++) {
                ranks[m] = rank(byMode.get(modes.get(m)).get(i), questions.get(i).answers());
                missesAt5[m] += ranks[m] > 5 ? 1 : 0;
            }
            if (ranks[2] != 1) {
                List<String> hybrid = byMode.get("hybrid").get(i);
                lost.add(String.format(Locale.ROOT, "%-4s hybrid %-2s lexical %-2s semantic %-2s \"%s\" -> %s (want %s)",
                        i % 2 == 0 ? "tune" : "test", rankText(ranks[2]), rankText(ranks[0]), rankText(ranks[1]),
                        questions.get(i).text(), hybrid.isEmpty() ? "-" : hybrid.getFirst(),
                        String.join("|", questions.get(i).answers())));
            }
        }
        System.out.printf("-- not in the top 5: lexical %d, semantic %d, hybrid %d of %d%n", missesAt5[0], missesAt5[1],
                missesAt5[2], questions.size());
        System.out.println("-- hybrid did not rank an answer first: " + lost.size());
        lost.forEach(m -> System.out.println("   " + m));
    }

    static void printHalves(String label, List<Question> questions, List<List<String>> rankings) {
        List<Question> tune = new ArrayList<>();
        List<Question> test = new ArrayList<>();
        List<List<String>> tuneRankings = new ArrayList<>();
        List<List<String>> testRankings = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            (i % 2 == 0 ? tune : test).add(questions.get(i));
            (i % 2 == 0 ? tuneRankings : testRankings).add(rankings.get(i));
        }
        System.out.printf("%-28s %s | tune %s | test %s%n", label, Quality.of(questions, rankings),
                Quality.of(tune, tuneRankings).brief(), Quality.of(test, testRankings).brief());
    }

    /** The 1-based rank of the first answer in the top 10, or 99. */
    static int rank(List<String> ranking, List<String> answers) {
        for (int r = 0; r < Math.min(10, ranking.size()); r++) {
            if (answers.contains(ranking.get(r))) {
                return r + 1;
            }
        }
        return 99;
    }

    static String rankText(int rank) {
        return rank == 99 ? "-" : Integer.toString(rank);
    }

    /** Reciprocal-rank fusion of the lexical and semantic rankings with constant k. */
    static List<List<String>> rrf(List<Map<String, double[]>> parts, int k) {
        List<List<String>> rankings = new ArrayList<>();
        for (Map<String, double[]> scores : parts) {
            Map<String, Double> fused = new HashMap<>();
            for (int part = 0; part < 2; part++) {
                int p = part;
                List<String> order = scores.keySet().stream()
                        .filter(n -> p == 0 ? scores.get(n)[0] > 0 : !Double.isNaN(scores.get(n)[1]))
                        .sorted((a, b) -> Double.compare(scores.get(b)[p], scores.get(a)[p])).toList();
                for (int r = 0; r < order.size(); r++) {
                    fused.merge(order.get(r), 1.0 / (k + r + 1), Double::sum);
                }
            }
            rankings.add(fused.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .map(Map.Entry::getKey).limit(10).toList());
        }
        return rankings;
    }

    // ---- latency

    /**
     * {@code fresh}: every search text is new to the registry (the question with " #round" appended), so none is
     * answered from its cache of recent query vectors; otherwise every round repeats the warm-up round's texts.
     */
    static void latency(String mode, int rounds, String texts) throws Exception {
        // warm-up: new texts too, marked apart from fresh's so that they never fill the cache for a timed fresh run.
        String mark = texts.equals("warm-up") ? " ~" : " #";
        boolean fresh = texts.equals("fresh") || texts.equals("warm-up");
        List<Question> questions = new ArrayList<>(questions());
        for (Question q : questions) {
            search(fresh ? q.text() + mark + 0 : q.text(), 10, mode);
        }
        double[] p50 = new double[rounds];
        double[] p99 = new double[rounds];
        Random random = new Random(42);
        for (int round = 0; round < rounds; round++) {
            Collections.shuffle(questions, random);
            double[] millis = new double[questions.size()];
            for (int i = 0; i < questions.size(); i++) {
                long start = System.nanoTime();
                search(fresh ? questions.get(i).text() + mark + (round + 1) : questions.get(i).text(), 10, mode);
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(millis);
            p50[round] = millis[(int) Math.ceil(0.50 * millis.length) - 1];
            p99[round] = millis[(int) Math.ceil(0.99 * millis.length) - 1];
            System.out.printf(Locale.ROOT, "  %s round %d: %d searches, p50 %.2f ms, p99 %.2f ms%n", mode, round + 1,
                    millis.length, p50[round], p99[round]);
        }
        Arrays.sort(p50);
        Arrays.sort(p99);
        System.out.printf(Locale.ROOT, "%s k=10, %s: median of %d rounds: p50 %.2f ms, p99 %.2f ms%n", mode,
                fresh ? "new texts" : "repeated texts", rounds, p50[rounds / 2], p99[rounds / 2]);
    }

    // ---- embed one

    @SuppressWarnings("unchecked")
    static void embedOne() throws Exception {
        String name = "latebird_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36).replaceAll("[^a-z0-9]", "");
        String body = """
                {"instanceId":"latebird-1","name":"latebird","kind":"TOOL","endpoint":"http://192.0.2.1:9",
                 "leaseDuration":"1h","functions":[{"name":"%s","description":"Books a table at a restaurant for a number of guests at a given time.",
                 "inputSchema":{"type":"object","properties":{"restaurant":{"type":"string","description":"Restaurant name"},
                 "guests":{"type":"integer","description":"Number of people"},"time":{"type":"string","description":"ISO date-time"}}}}]}
                """.formatted(name);
        long start = System.nanoTime();
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/instances"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        while (true) {
            Map<String, Object> result = search("reserve a dinner table for four", 1, "semantic");
            List<Map<String, Object>> matches = (List<Map<String, Object>>) result.get("matches");
            if (((Number) result.get("pendingEmbeddings")).intValue() == 0 && !matches.isEmpty()
                    && name.equals(matches.getFirst().get("name"))) {
                break;
            }
            Thread.sleep(2);
        }
        System.out.printf(Locale.ROOT, "new function registered -> found by meaning after %.1f ms (includes the"
                + " registration request and 2 ms polling)%n", (System.nanoTime() - start) / 1e6);
    }

    // ---- HTTP and JSON

    @SuppressWarnings("unchecked")
    static Map<String, Object> search(String q, int k, String mode) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/catalog/search?q="
                + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&k=" + k + "&mode=" + mode)).GET());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        return (Map<String, Object>) Json.parse(response.body());
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Just enough JSON: objects, arrays, strings, numbers, booleans, null. */
    static final class Json {

        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json json = new Json(text);
            Object value = json.value();
            json.space();
            if (json.i != text.length()) {
                throw new IllegalArgumentException("trailing text at " + json.i);
            }
            return value;
        }

        private void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private Object value() {
            space();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> map = new LinkedHashMap<>();
                i++;
                space();
                if (s.charAt(i) == '}') {
                    i++;
                    return map;
                }
                while (true) {
                    space();
                    String k = string();
                    space();
                    i++; // :
                    map.put(k, value());
                    space();
                    if (s.charAt(i++) == '}') {
                        return map;
                    }
                }
            }
            if (c == '[') {
                List<Object> list = new ArrayList<>();
                i++;
                space();
                if (s.charAt(i) == ']') {
                    i++;
                    return list;
                }
                while (true) {
                    list.add(value());
                    space();
                    if (s.charAt(i++) == ']') {
                        return list;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return true;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return false;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            return Double.parseDouble(s.substring(start, i));
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            i++; // opening quote
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
        }

        static String write(Object value) {
            StringBuilder out = new StringBuilder();
            write(value, out);
            return out.toString();
        }

        private static void write(Object value, StringBuilder out) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof String text) {
                out.append('"');
                for (char c : text.toCharArray()) {
                    switch (c) {
                        case '"' -> out.append("\\\"");
                        case '\\' -> out.append("\\\\");
                        case '\n' -> out.append("\\n");
                        default -> {
                            if (c < 0x20) {
                                out.append(String.format("\\u%04x", (int) c));
                            } else {
                                out.append(c);
                            }
                        }
                    }
                }
                out.append('"');
            } else if (value instanceof Map<?, ?> map) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.append(first ? "" : ",");
                    first = false;
                    write(String.valueOf(e.getKey()), out);
                    out.append(':');
                    write(e.getValue(), out);
                }
                out.append('}');
            } else if (value instanceof List<?> list) {
                out.append('[');
                for (int j = 0; j < list.size(); j++) {
                    out.append(j == 0 ? "" : ",");
                    write(list.get(j), out);
                }
                out.append(']');
            } else if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
                out.append(d.longValue());
            } else {
                out.append(value);
            }
        }
    }
}
