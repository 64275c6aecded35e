package io.agentforge.web;

/** JVM settings every Agent Forge app applies in its {@code main} method, before anything starts a thread. */
public final class VirtualThreads {

    static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    private VirtualThreads() {}

    /**
     * Gives the virtual-thread scheduler at least 8 carriers unless configured otherwise. Virtual threads blocked in a
     * class initializer stay pinned to their carrier; with one carrier per core (two on a small machine) a burst of
     * first requests can pin them all and stall every virtual thread.
     */
    public static void spareCarriers() {
        if (System.getProperty(PARALLELISM) == null) {
            System.setProperty(
                    PARALLELISM,
                    Integer.toString(Math.max(8, Runtime.getRuntime().availableProcessors())));
        }
    }
}
