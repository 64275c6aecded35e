package io.agentforge.registry.search;

import io.agentforge.registry.api.Catalog.CatalogFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Ranking experiments on the labelled set, in process, with the registry's own search classes (Words, Bm25,
 * FunctionText, MiniLmEmbedder): the shipped configuration reproduces bench/search-bench.sh's quality figures exactly,
 * and each variant changes one thing. Every row reports the tune half (even positions in questions.json), the test
 * half (odd positions) and the whole set: choose on tune, read test. Run by bench/search-lab.sh.
 *
 * <p>Environment knobs (all optional): LEX = shipped | name1 | name3 | no-param-descriptions | no-params |
 * first-sentence | verbs (the BM25 fields; verbs adds everyday words for the verbs in the name, {@link #VERBS});
 * SEM = shipped | description | name-first-sentence | verbs (the embedded function text);
 * SECOND = none | first-sentence | name | description (a second vector per function) with SECOND_WEIGHT (unset: the
 * better of the two cosines; w: (1 - w) * first + w * second); QUERY_STOP = 1 (drop conversational words from the
 * query for BM25); MODEL = minilm | minilm-q | e5-small-v2-q | bge-small-q | bge-small-en-v1.5 (all but the first need
 * their langchain4j jar in LAB_JARS); BM25_K1, BM25_B (default 1.2, 0.75); FP16 = 1 rounds the function vectors to
 * 16-bit floats, as the registry stores them; ENSEMBLE = another of those models (its jar in LAB_JARS), whose cosine
 * is averaged with the first model's, ENSEMBLE_WEIGHT its share (default 0.5); MISSES = 1 lists the tune half's
 * questions hybrid does not rank first (never the test half's).
 */
public class SearchLab {

    record Question(String text, List<String> answers) {}

    static final String MODEL = env("MODEL", "minilm");
    static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();
    static final Map<String, float[]> VECTORS = new HashMap<>();
    static TextEmbedder model;

    static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    static float[] embed(String text) {
        return VECTORS.computeIfAbsent(text, t -> {
            if (model == null) {
                model = load(MODEL);
            }
            return model.embed(t);
        });
    }

    static TextEmbedder load(String name) {
        return name.equals("minilm") ? new MiniLmEmbedder(1) : new OtherModel(name);
    }

    /** ENSEMBLE's model, with its own prefixes: its cosine is averaged with the first model's. */
    static final String ENSEMBLE = env("ENSEMBLE", "none");
    static final Map<String, float[]> VECTORS2 = new HashMap<>();
    static TextEmbedder model2;

    static float[] embed2(String text) {
        return VECTORS2.computeIfAbsent(text, t -> {
            if (model2 == null) {
                model2 = load(ENSEMBLE);
            }
            return model2.embed(t);
        });
    }

    /** A bundled ONNX model other than the registry's, mean-pooled and normalised as MiniLmEmbedder does. */
    static final class OtherModel implements TextEmbedder {
        private final dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel model;

        OtherModel(String name) {
            try {
                String base = switch (name) {
                    case "minilm-q" -> "all-minilm-l6-v2-q";
                    case "bge-small-q" -> "bge-small-en-v1.5-q";
                    default -> name;
                };
                var environment = ai.onnxruntime.OrtEnvironment.getEnvironment();
                var options = new ai.onnxruntime.OrtSession.SessionOptions();
                options.setIntraOpNumThreads(1);
                ClassLoader loader = SearchLab.class.getClassLoader();
                var session = environment.createSession(loader.getResourceAsStream(base + ".onnx").readAllBytes(), options);
                var encoder = new dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder(environment, session,
                        loader.getResourceAsStream(base + "-tokenizer.json"),
                        name.startsWith("bge") ? dev.langchain4j.model.embedding.onnx.PoolingMode.CLS
                                : dev.langchain4j.model.embedding.onnx.PoolingMode.MEAN);
                model = new dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel(Runnable::run) {
                    @Override
                    protected dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder model() {
                        return encoder;
                    }
                };
            } catch (Exception e) {
                throw new IllegalStateException("cannot load " + name + " (is its jar on the class path?)", e);
            }
        }

        @Override
        public float[] embed(String text) {
            float[] v = model.embed(text).content().vector();
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= (float) Math.sqrt(norm);
            }
            return v;
        }

        @Override
        public void close() {}
    }

    // e5 models are trained with these prefixes, bge with an instruction before short queries; the MiniLM models with none.
    static String asQuery(String text) {
        return asQuery(MODEL, text);
    }

    static String asQuery(String model, String text) {
        if (model.startsWith("bge")) {
            return "Represent this sentence for searching relevant passages: " + text;
        }
        return model.startsWith("e5") ? "query: " + text : text;
    }

    static String asPassage(String text) {
        return asPassage(MODEL, text);
    }

    static String asPassage(String model, String text) {
        return model.startsWith("e5") ? "passage: " + text : text;
    }

    static final Set<String> QUERY_STOP = Set.of("what", "whats", "s", "t", "don", "how", "many", "much", "some", "get",
            "show", "find", "need", "want", "tell", "today", "now", "right", "any", "all", "our", "there", "ll", "m", "d",
            "ve", "re", "let", "make", "sure", "up", "out", "about", "just", "one", "more", "again", "also", "have", "has",
            "had", "been", "am", "were", "did", "could", "may", "might", "than", "too", "very", "here", "those", "these",
            "him", "her", "his", "she", "he", "they");

    /** Everyday words people use for the verbs tool names are made of (LEX=verbs, SEM=verbs). */
    static final Map<String, String> VERBS = Map.ofEntries(
            Map.entry("create", "add new make put set up open start"),
            Map.entry("add", "put insert include append new"),
            Map.entry("update", "change edit modify move rename set"),
            Map.entry("edit", "change modify update"),
            Map.entry("set", "change adjust turn put make"),
            Map.entry("delete", "remove erase drop discard get rid"),
            Map.entry("remove", "delete erase drop take out"),
            Map.entry("cancel", "call off stop abort revoke undo"),
            Map.entry("search", "find look for look up browse which options"),
            Map.entry("find", "search look for locate which where"),
            Map.entry("list", "show all which what overview view see"),
            Map.entry("get", "show read fetch see view what look up"),
            Map.entry("read", "show open see view get"),
            Map.entry("send", "email mail deliver forward message submit"),
            Map.entry("reply", "respond answer write back"),
            Map.entry("forward", "send pass on share"),
            Map.entry("schedule", "plan later arrange book at"),
            Map.entry("book", "reserve order buy"),
            Map.entry("approve", "accept sign off ok allow confirm"),
            Map.entry("review", "approve comment check look at feedback"),
            Map.entry("log", "record note track write down enter"),
            Map.entry("record", "log note track enter write down"),
            Map.entry("close", "resolve finish done complete end"),
            Map.entry("assign", "give hand delegate allocate"),
            Map.entry("check", "verify validate test is"),
            Map.entry("validate", "check verify is valid correct"),
            Map.entry("convert", "change turn into translate how many"),
            Map.entry("describe", "explain details show info about"),
            Map.entry("move", "transfer relocate put shift"),
            Map.entry("transfer", "move send shift"),
            Map.entry("adjust", "correct fix change modify"),
            Map.entry("place", "put submit make buy"),
            Map.entry("apply", "use add redeem"),
            Map.entry("play", "start listen put on"),
            Map.entry("pause", "stop hold halt"),
            Map.entry("grant", "give allow permit"),
            Map.entry("disable", "deactivate block turn off suspend lock"),
            Map.entry("reset", "restore clear recover"),
            Map.entry("share", "give access send invite"),
            Map.entry("upload", "put store save attach"),
            Map.entry("download", "get save fetch"),
            Map.entry("track", "follow where status"),
            Map.entry("generate", "make create produce"),
            Map.entry("execute", "run"),
            Map.entry("run", "execute start launch"),
            Map.entry("summarize", "shorten brief gist summary"),
            Map.entry("extract", "pull out get take"),
            Map.entry("compare", "difference versus vs"),
            Map.entry("publish", "post release share"),
            Map.entry("post", "publish share write"),
            Map.entry("subscribe", "follow sign up"),
            Map.entry("merge", "combine join"),
            Map.entry("refund", "give back money back return"),
            Map.entry("charge", "bill pay take payment"),
            Map.entry("query", "ask look up"),
            Map.entry("scale", "resize grow shrink more fewer"),
            Map.entry("restore", "recover bring back"),
            Map.entry("export", "save download"),
            Map.entry("detect", "identify recognize which what"),
            Map.entry("resolve", "fix close solve"),
            Map.entry("rotate", "renew replace change"),
            Map.entry("lock", "secure close"),
            Map.entry("sign", "signature approve"),
            Map.entry("fill", "complete enter"),
            Map.entry("parse", "read split extract"),
            Map.entry("copy", "duplicate"),
            Map.entry("comment", "remark note reply"),
            Map.entry("receive", "accept arrive incoming"),
            Map.entry("void", "cancel invalidate"),
            Map.entry("onboard", "hire start welcome"),
            Map.entry("offboard", "leave depart remove"),
            Map.entry("request", "ask apply"),
            Map.entry("silence", "mute quiet"));

    static String verbWords(String name) {
        StringBuilder out = new StringBuilder();
        for (String token : name.split("_")) {
            String more = VERBS.get(token);
            if (more != null) {
                out.append(out.isEmpty() ? "" : " ").append(more);
            }
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    static List<String> lexicalTerms(CatalogFunction f, FunctionText shipped) {
        String variant = env("LEX", "shipped");
        if (variant.equals("shipped")) {
            return shipped.terms();
        }
        if (variant.equals("verbs")) {
            List<String> out = new ArrayList<>(shipped.terms());
            out.addAll(Words.terms(verbWords(f.name())));
            return out;
        }
        int nameTimes = variant.equals("name1") ? 1 : variant.equals("name3") ? 3 : 2;
        List<String> out = new ArrayList<>();
        for (int r = 0; r < nameTimes; r++) {
            out.addAll(Words.terms(f.name()));
        }
        out.addAll(Words.terms(variant.equals("first-sentence") ? firstSentence(f.description()) : f.description()));
        if (!variant.equals("no-params") && f.inputSchema().get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((key, value) -> {
                out.addAll(Words.terms(String.valueOf(key)));
                if (!variant.equals("no-param-descriptions")
                        && value instanceof Map<?, ?> p
                        && p.get("description") instanceof String d) {
                    out.addAll(Words.terms(d));
                }
            });
        }
        return out;
    }

    static String firstSentence(String description) {
        return description.split("(?<=[.;])\\s", 2)[0];
    }

    static String semanticText(CatalogFunction f, FunctionText shipped) {
        String name = f.name().replace('_', ' ');
        return asPassage(switch (env("SEM", "shipped")) {
            case "description" -> f.description();
            case "name-first-sentence" -> name + ": " + firstSentence(f.description());
            case "verbs" -> verbWords(f.name()).isEmpty()
                    ? shipped.semantic()
                    : shipped.semantic() + " (" + verbWords(f.name()) + ")";
            default -> shipped.semantic();
        });
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("bench.data", "bench/search"));
        Map<String, Object> root =
                JSON.readValue(Files.readString(data.resolve("functions.json")), Map.class);
        List<CatalogFunction> functions = new ArrayList<>();
        for (Map<String, Object> s : (List<Map<String, Object>>) root.get("services")) {
            for (Map<String, Object> f : (List<Map<String, Object>>) s.get("functions")) {
                functions.add(new CatalogFunction((String) f.get("name"), (String) f.get("description"),
                        (Map<String, Object>) f.get("inputSchema"), null, (String) s.get("service")));
            }
        }
        List<Question> questions = new ArrayList<>();
        Map<String, Object> q = JSON.readValue(Files.readString(data.resolve("questions.json")), Map.class);
        for (Map<String, Object> question : (List<Map<String, Object>>) q.get("questions")) {
            questions.add(new Question((String) question.get("question"), (List<String>) question.get("answers")));
        }
        int n = functions.size();
        String[] names = functions.stream().map(CatalogFunction::name).toArray(String[]::new);
        List<List<String>> documents = new ArrayList<>();
        float[][] vectors = new float[n][];
        float[][] second = new float[n][];
        boolean ensemble = !ENSEMBLE.equals("none");
        double ensembleWeight = Double.parseDouble(env("ENSEMBLE_WEIGHT", "0.5"));
        float[][] vectors2 = new float[n][];
        String secondKind = env("SECOND", "none");
        boolean withSecond = !secondKind.equals("none");
        double secondWeight = Double.parseDouble(env("SECOND_WEIGHT", "-1"));
        for (int i = 0; i < n; i++) {
            FunctionText shipped = FunctionText.of(functions.get(i), "lab");
            documents.add(lexicalTerms(functions.get(i), shipped));
            vectors[i] = embed(semanticText(functions.get(i), shipped));
            if (ensemble) {
                vectors2[i] = embed2(asPassage(ENSEMBLE, shipped.semantic()));
            }
            if (env("FP16", "0").equals("1")) {
                // As the registry stores them for the scan: each value rounded to a 16-bit float.
                float[] rounded = new float[vectors[i].length];
                for (int d = 0; d < rounded.length; d++) {
                    rounded[d] = Float.float16ToFloat(Float.floatToFloat16(vectors[i][d]));
                }
                vectors[i] = rounded;
            }
            if (withSecond) {
                second[i] = embed(asPassage(switch (secondKind) {
                    case "name" -> functions.get(i).name().replace('_', ' ');
                    case "description" -> functions.get(i).description();
                    default -> firstSentence(functions.get(i).description());
                }));
            }
        }
        Bm25 bm25 = new Bm25(documents, Double.parseDouble(env("BM25_K1", String.valueOf(Bm25.K1))),
                Double.parseDouble(env("BM25_B", String.valueOf(Bm25.B))));
        int m = questions.size();
        double[][] lexical = new double[m][];
        double[][] semantic = new double[m][n];
        double[] ideal = new double[m];
        for (int j = 0; j < m; j++) {
            List<String> terms = new ArrayList<>(Words.terms(questions.get(j).text()));
            if (env("QUERY_STOP", "0").equals("1")) {
                terms.removeIf(QUERY_STOP::contains);
            }
            lexical[j] = bm25.scores(terms);
            ideal[j] = bm25.ideal(terms);
            float[] query = embed(asQuery(questions.get(j).text()));
            float[] query2 = ensemble ? embed2(asQuery(ENSEMBLE, questions.get(j).text())) : null;
            for (int i = 0; i < n; i++) {
                semantic[j][i] = cosine(query, vectors[i]);
                if (ensemble) {
                    // ENSEMBLE_WEIGHT w: (1 - w) * this model's cosine + w * the other's.
                    semantic[j][i] = (1 - ensembleWeight) * semantic[j][i] + ensembleWeight * cosine(query2, vectors2[i]);
                }
                if (withSecond) {
                    // SECOND_WEIGHT < 0: the better of the two cosines; else a weighted mean of them.
                    double c2 = cosine(query, second[i]);
                    semantic[j][i] = secondWeight < 0
                            ? Math.max(semantic[j][i], c2)
                            : (1 - secondWeight) * semantic[j][i] + secondWeight * c2;
                }
            }
        }
        if (ensemble) {
            System.out.printf("ensemble: %s, cosine weight %s%n", ENSEMBLE, ensembleWeight);
        }
        System.out.printf("model %s, LEX=%s, SEM=%s, SECOND=%s, QUERY_STOP=%s, BM25 k1=%s b=%s; %d functions, %d questions%n",
                MODEL, env("LEX", "shipped"), env("SEM", "shipped"), env("SECOND", "none"), env("QUERY_STOP", "0"),
                env("BM25_K1", "1.2"), env("BM25_B", "0.75"), n, m);
        System.out.println("ranking                        tune R@1/R@5/MRR       test R@1/R@5/MRR       all R@1/R@5/MRR");
        report("lexical", questions, names, j -> lexical[j]);
        report("semantic", questions, names, j -> semantic[j]);
        for (double w : new double[] {0.4, 0.5, 0.6, 0.7, 0.8}) {
            report("weighted, semantic " + w + (w == 0.6 ? " (shipped)" : ""), questions, names,
                    j -> weighted(lexical[j], ideal[j], semantic[j], w, false));
        }
        for (double w : new double[] {0.4, 0.5, 0.6, 0.7}) {
            report("weighted min-max, semantic " + w, questions, names,
                    j -> weighted(lexical[j], ideal[j], semantic[j], w, true));
        }
        for (int k : new int[] {5, 10, 20, 60}) {
            report("reciprocal-rank fusion k=" + k, questions, names, j -> rrf(lexical[j], semantic[j], k));
        }
        for (double w : new double[] {0.5, 0.6, 0.7}) {
            report("mean-floor cosine, semantic " + w, questions, names,
                    j -> meanFloor(lexical[j], ideal[j], semantic[j], w, 1));
        }
        for (double w : new double[] {0.5, 0.6, 0.7}) {
            report("std-floor cosine, semantic " + w, questions, names,
                    j -> meanFloor(lexical[j], ideal[j], semantic[j], w, 2));
        }
        for (double w : new double[] {0.5, 0.6, 0.7}) {
            report("z-score both, semantic " + w, questions, names, j -> zBoth(lexical[j], semantic[j], w));
        }
        if (env("MISSES", "0").equals("1")) {
            // Only the tune half's misses: reading the test half's would be tuning on it.
            for (int j = 0; j < m; j += 2) {
                double[] hybrid = weighted(lexical[j], ideal[j], semantic[j], 0.6, false);
                int[] top = order(hybrid);
                if (!questions.get(j).answers().contains(names[top[0]])) {
                    System.out.printf("miss: %s -> %s | %s, %s, %s%n", questions.get(j).text(), questions.get(j).answers(),
                            names[top[0]], names[top[1]], names[top[2]]);
                }
            }
        }
        // The semantic weight falls from hi to lo as the query's words are covered by the best lexical match.
        for (double[] range : new double[][] {{0.3, 0.7}, {0.4, 0.8}, {0.5, 0.7}}) {
            report("coverage-adaptive " + range[0] + ".." + range[1], questions, names, j -> {
                double best = Arrays.stream(lexical[j]).max().orElse(0);
                double coverage = ideal[j] > 0 ? Math.min(1, best / ideal[j]) : 0;
                return weighted(lexical[j], ideal[j], semantic[j], range[1] - (range[1] - range[0]) * coverage, false);
            });
        }
    }

    static double cosine(float[] a, float[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            s += a[d] * b[d];
        }
        return s;
    }

    /** As CatalogSearch: BM25 / ideal and cosine / best cosine, or cosine min-max scaled over the catalog. */
    static double[] weighted(double[] lexical, double ideal, double[] semantic, double w, boolean minMax) {
        double max = Arrays.stream(semantic).max().orElse(0);
        double min = minMax ? Arrays.stream(semantic).min().orElse(0) : 0;
        double[] out = new double[lexical.length];
        for (int i = 0; i < lexical.length; i++) {
            double l = ideal > 0 ? Math.min(1, lexical[i] / ideal) : 0;
            double s = max > min ? Math.max(0, semantic[i] - min) / (max - min) : 0;
            out[i] = (1 - w) * l + w * s;
        }
        return out;
    }

    /**
     * Cosine scaled from a floor to the best: the catalog's mean cosine (mode 1) or the mean plus one standard
     * deviation (mode 2) counts 0, the best candidate 1; BM25 / ideal as shipped.
     */
    static double[] meanFloor(double[] lexical, double ideal, double[] semantic, double w, int mode) {
        double max = Arrays.stream(semantic).max().orElse(0);
        double mean = Arrays.stream(semantic).average().orElse(0);
        double sd = Math.sqrt(Arrays.stream(semantic).map(x -> (x - mean) * (x - mean)).average().orElse(0));
        double floor = mode == 1 ? mean : mean + sd;
        double[] out = new double[lexical.length];
        for (int i = 0; i < lexical.length; i++) {
            double l = ideal > 0 ? Math.min(1, lexical[i] / ideal) : 0;
            double s = max > floor ? Math.max(0, semantic[i] - floor) / (max - floor) : 0;
            out[i] = (1 - w) * l + w * s;
        }
        return out;
    }

    static double[] zBoth(double[] lexical, double[] semantic, double w) {
        double[] zl = z(lexical);
        double[] zs = z(semantic);
        double[] out = new double[lexical.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (1 - w) * zl[i] + w * zs[i];
        }
        return out;
    }

    static double[] z(double[] x) {
        double mean = Arrays.stream(x).average().orElse(0);
        double sd = Math.sqrt(Arrays.stream(x).map(v -> (v - mean) * (v - mean)).average().orElse(0));
        return Arrays.stream(x).map(v -> sd > 0 ? (v - mean) / sd : 0).toArray();
    }

    static double[] rrf(double[] lexical, double[] semantic, int k) {
        double[] out = new double[lexical.length];
        int[] byLexical = order(lexical);
        int[] bySemantic = order(semantic);
        for (int r = 0; r < byLexical.length; r++) {
            if (lexical[byLexical[r]] > 0) {
                out[byLexical[r]] += 1.0 / (k + r + 1);
            }
            out[bySemantic[r]] += 1.0 / (k + r + 1);
        }
        return out;
    }

    static int[] order(double[] score) {
        return java.util.stream.IntStream.range(0, score.length)
                .boxed()
                .sorted((a, b) -> Double.compare(score[b], score[a]))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    static void report(String label, List<Question> questions, String[] names, IntFunction<double[]> scorer) {
        double[][] sums = new double[3][3];
        int[] counts = new int[3];
        for (int j = 0; j < questions.size(); j++) {
            int[] top = order(scorer.apply(j));
            int rank = 99;
            for (int r = 0; r < 10; r++) {
                if (questions.get(j).answers().contains(names[top[r]])) {
                    rank = r + 1;
                    break;
                }
            }
            for (int half : new int[] {j % 2, 2}) {
                counts[half]++;
                sums[half][0] += rank == 1 ? 1 : 0;
                sums[half][1] += rank <= 5 ? 1 : 0;
                sums[half][2] += rank <= 10 ? 1.0 / rank : 0;
            }
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-30s", label));
        for (int half = 0; half < 3; half++) {
            line.append(String.format(Locale.ROOT, " %.3f / %.3f / %.3f  ", sums[half][0] / counts[half],
                    sums[half][1] / counts[half], sums[half][2] / counts[half]));
        }
        System.out.println(line);
    }
}
