package io.pitgun.systemtests;

import io.pitgun.testsupport.JournaledFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SIGTERM stops a gateway that can make no more threads than the one the JVM makes to deliver the signal: the
 * drain runs and it exits 0. The limit is a pids cgroup (v1) around the running gateway, set to its threads plus
 * one; {@code ulimit -u} does the same for a user other than root, which root's processes ignore. Before,
 * {@code SignalExit}'s handler started a thread of its own: "Failed to start the native thread for java.lang.Thread
 * pitgun-signal-exit", and the gateway ran on until SIGKILL (a black-box pass, {@code ulimit -u 28}).
 */
class GatewaySignalThreadLimitProcessTest
{
    private static final Path PIDS = Path.of("/sys/fs/cgroup/pids");

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void shouldDrainAndExitOnSigtermWithNoThreadToSpare() throws Exception
    {
        assumeTrue(Files.isWritable(PIDS.resolve("cgroup.procs")), "needs a writable pids cgroup (v1) hierarchy");
        final Path group = PIDS.resolve("pitgun-test-" + UUID.randomUUID());
        // Threads the JVM would otherwise make later on its own (compiler, GC workers) are made at start.
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("data"),
            List.of("-XX:-UseDynamicNumberOfCompilerThreads", "-XX:-UseDynamicNumberOfGCThreads"), Map.of()))
        {
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), UUID.randomUUID(), 0, 10))
                .statusCode(), gateway.logs());
            Files.createDirectory(group);
            try
            {
                Files.writeString(group.resolve("cgroup.procs"), Long.toString(gateway.pid()));
                final long threads = Long.parseLong(Files.readString(group.resolve("pids.current")).trim());
                // One for the thread the JVM makes to run the signal's handler: no other.
                Files.writeString(group.resolve("pids.max"), Long.toString(threads + 1));

                // 0 only from the handler, after the drain (the JVM's own SIGTERM exit is 143).
                assertEquals(0, gateway.terminate(Duration.ofSeconds(60)), gateway.logs());
            }
            finally
            {
                removeWhenEmpty(group);
            }
        }
        assertEquals(10, JournaledFrames.read(dir.resolve("data")).frames());
    }

    /** The cgroup, once the gateway has left it (killed if the test failed: {@link GatewayProcess#close}). */
    private static void removeWhenEmpty(final Path group) throws IOException
    {
        if (Files.readString(group.resolve("cgroup.procs")).isBlank())
        {
            Files.delete(group);
        }
    }
}
