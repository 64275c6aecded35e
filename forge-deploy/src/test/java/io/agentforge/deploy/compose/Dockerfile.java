package io.agentforge.deploy.compose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * deploy/docker/Dockerfile as a list of instructions: comments and the parser directive dropped, continuation
 * lines joined, grouped into build stages.
 *
 * @param stages the build stages in file order
 * @param global the instructions before the first FROM (global ARGs)
 */
record Dockerfile(List<Stage> stages, List<Instruction> global) {

    static final Path DIR = Path.of("..", "deploy", "docker").toAbsolutePath().normalize();
    static final Path FILE = DIR.resolve("Dockerfile");

    /** @param keyword upper-case, e.g. {@code RUN}; @param arguments the rest of the instruction, continuations joined */
    record Instruction(String keyword, String arguments) {}

    /**
     * @param name         the {@code AS} name, or the index when there is none
     * @param base         the image or stage it starts from
     * @param instructions its instructions after FROM
     */
    record Stage(String name, String base, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream()
                    .filter(i -> i.keyword().equals(keyword))
                    .toList();
        }

        Optional<Instruction> last(String keyword) {
            List<Instruction> matching = all(keyword);
            return matching.isEmpty() ? Optional.empty() : Optional.of(matching.getLast());
        }
    }

    Dockerfile {
        stages = List.copyOf(stages);
        global = List.copyOf(global);
    }

    static Dockerfile load() {
        return parse(ComposeFile.read(FILE));
    }

    static Dockerfile parse(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String stripped = line.strip();
            if (stripped.startsWith("#")) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            current.append(stripped);
            String joined = current.toString().strip();
            current.setLength(0);
            if (!joined.isEmpty()) {
                int space = joined.indexOf(' ');
                instructions.add(new Instruction(
                        joined.substring(0, space < 0 ? joined.length() : space).toUpperCase(Locale.ROOT),
                        space < 0 ? "" : joined.substring(space + 1).strip()));
            }
        }
        List<Instruction> global = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        List<Instruction> body = null;
        for (Instruction instruction : instructions) {
            if (instruction.keyword().equals("FROM")) {
                String[] words = instruction.arguments().split("\\s+");
                String base = words[
                        words.length >= 3 && words[words.length - 2].equalsIgnoreCase("AS")
                                ? words.length - 3
                                : words.length - 1];
                String name = words.length >= 3 && words[words.length - 2].equalsIgnoreCase("AS")
                        ? words[words.length - 1]
                        : String.valueOf(stages.size());
                body = new ArrayList<>();
                stages.add(new Stage(name, base, body));
            } else if (body == null) {
                global.add(instruction);
            } else {
                body.add(instruction);
            }
        }
        return new Dockerfile(
                stages.stream()
                        .map(s -> new Stage(s.name(), s.base(), List.copyOf(s.instructions())))
                        .toList(),
                global);
    }

    Stage stage(String name) {
        return stages.stream()
                .filter(stage -> stage.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No stage " + name));
    }

    /** The stage `docker build` produces when no target is given. */
    Stage finalStage() {
        return stages.getLast();
    }
}
