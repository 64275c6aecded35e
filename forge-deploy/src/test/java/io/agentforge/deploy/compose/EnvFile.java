package io.agentforge.deploy.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Compose {@code .env} file: {@code KEY=value} lines, {@code #} comments, optional {@code export}. Values in
 * single quotes are literal; unquoted and double-quoted values are interpolated with the variables above them;
 * an unquoted value ends at {@code " #"}.
 *
 * @param entries the variables in file order
 */
record EnvFile(List<Entry> entries) {

    /**
     * @param key          the variable
     * @param raw          the value as written, quotes removed
     * @param singleQuoted whether the value was in single quotes (taken literally)
     * @param comment      the comment lines directly above the variable, without {@code #}
     * @param line         1-based line number
     */
    record Entry(String key, String raw, boolean singleQuoted, List<String> comment, int line) {}

    private static final Pattern LINE = Pattern.compile("^(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$");

    EnvFile {
        entries = List.copyOf(entries);
    }

    static EnvFile read(Path file) {
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static EnvFile parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        List<String> comment = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                comment.clear();
                continue;
            }
            if (line.startsWith("#")) {
                comment.add(line.substring(1).strip());
                continue;
            }
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("Line " + (i + 1) + " is not KEY=value: " + line);
            }
            String value = matcher.group(2);
            boolean single = value.startsWith("'");
            String raw;
            if (single || value.startsWith("\"")) {
                int close = value.indexOf(value.charAt(0), 1);
                if (close < 0) {
                    throw new IllegalArgumentException("Line " + (i + 1) + " has an unclosed quote");
                }
                raw = value.substring(1, close);
            } else {
                int hash = value.indexOf(" #");
                raw = (hash < 0 ? value : value.substring(0, hash)).strip();
            }
            entries.add(new Entry(matcher.group(1), raw, single, comment, i + 1));
            comment = new ArrayList<>();
        }
        return new EnvFile(entries);
    }

    List<String> keys() {
        return entries.stream().map(Entry::key).toList();
    }

    Entry entry(String key) {
        return entries.stream()
                .filter(entry -> entry.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No " + key));
    }

    /** The values Compose would use for interpolation, each resolved against the ones above it. */
    Map<String, String> resolved() {
        Map<String, String> values = new LinkedHashMap<>();
        for (Entry entry : entries) {
            values.put(
                    entry.key(), entry.singleQuoted() ? entry.raw() : Interpolation.interpolate(entry.raw(), values));
        }
        return values;
    }
}
