package io.agentforge.agent.chat;

/** The caller went away (e.g. closed the stream); the question stops and nothing is sent back. */
public class ChatAbortedException extends RuntimeException {

    public ChatAbortedException() {
        super("The caller went away", null, false, false);
    }
}
