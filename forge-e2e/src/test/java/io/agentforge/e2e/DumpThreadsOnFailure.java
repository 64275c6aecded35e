package io.agentforge.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** On a failed test, leaves thread dumps of every service process and of the test JVM in target/e2e-logs. */
final class DumpThreadsOnFailure implements TestWatcher {

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        ServiceProcess.dumpAllThreads();
    }
}
