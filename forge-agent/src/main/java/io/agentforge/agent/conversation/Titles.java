package io.agentforge.agent.conversation;

/** A conversation's title: its first question, on one line and short. */
final class Titles {

    private Titles() {}

    static String of(String question) {
        String line = question.strip().replaceAll("\\s+", " ");
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
