package io.agentforge.registry.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns text into the terms BM25 counts: snake_case and camelCase split, lower-cased, common English words dropped,
 * and a light suffix stemmer so "converts", "converted" and "converting" meet "convert".
 */
final class Words {

    private static final Pattern CAMEL = Pattern.compile("(?<=\\p{Ll})(?=\\p{Lu})");
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Set<String> STOP = Set.of(
            "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "give", "how", "i",
            "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or", "please", "should", "so", "that",
            "the", "their", "them", "then", "there", "this", "to", "us", "was", "we", "what", "when", "where", "which",
            "who", "will", "with", "would", "you", "your", "e", "g");

    private Words() {}

    static List<String> terms(String text) {
        List<String> terms = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return terms;
        }
        String split = CAMEL.matcher(text).replaceAll(" ").toLowerCase(Locale.ROOT);
        for (String word : SEPARATORS.split(split)) {
            if (!word.isEmpty() && !STOP.contains(word)) {
                terms.add(stem(word));
            }
        }
        return terms;
    }

    static String stem(String word) {
        String w = word;
        int n = w.length();
        if (n > 4 && w.endsWith("ies")) {
            w = w.substring(0, n - 3) + "y";
        } else if (n > 4 && (w.endsWith("sses") || w.endsWith("xes") || w.endsWith("ches") || w.endsWith("shes"))) {
            w = w.substring(0, n - 2);
        } else if (n > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            w = w.substring(0, n - 1);
        }
        n = w.length();
        if (n > 5 && w.endsWith("ing")) {
            w = undouble(w.substring(0, n - 3));
        } else if (n > 4 && w.endsWith("ed") && !w.endsWith("eed")) {
            w = undouble(w.substring(0, n - 2));
        }
        n = w.length();
        if (n > 4 && w.endsWith("e")) {
            w = w.substring(0, n - 1);
        }
        return w;
    }

    // "running" -> "runn" -> "run"; "called" -> "call" stays (ll is common at word ends).
    private static String undouble(String w) {
        int n = w.length();
        if (n > 2 && w.charAt(n - 1) == w.charAt(n - 2) && "bdgmnprt".indexOf(w.charAt(n - 1)) >= 0) {
            return w.substring(0, n - 1);
        }
        return w;
    }
}
