package io.agentforge.web;

/** JVM settings every Agent Forge app applies in its {@code main} method, before anything starts a thread. */
public final class VirtualThreads {

    static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    private VirtualThreads() {}

    /**
     * Gives the virtual-thread scheduler at least two carriers unless configured otherwise; with two or more cores that
     * is the JDK's default (one per core). Measured on one core (bench/carrier-ab.sh, the paced one-service load): with
     * its single default carrier every request waits behind whichever virtual thread holds it, and the registry both
     * renewed slower (83 against 56 µs of CPU per renewal) and answered a paced lookup load with a longer tail (p99
     * 10.4 against 7.1 ms, medians of five) than with two. Eight were worse again (150 µs per renewal).
     */
    public static void atLeastTwoCarriers() {
        if (System.getProperty(PARALLELISM) == null) {
            System.setProperty(
                    PARALLELISM,
                    Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
        }
    }
}
