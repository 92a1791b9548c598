package io.pitgun.systemtests;

import io.pitgun.engine.CountersFileDescriptor;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.testsupport.JournaledFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One gateway per data directory: a second {@code pitgun gateway} on a directory a running one holds exits at once,
 * naming the lock, and leaves the first's counters file and journal alone; once the first is {@code kill -9}ed, the
 * operating system has released the lock and a new gateway starts there. Before the lock, the second started too:
 * it replaced the first's counters file ({@code pitgun stat} then read the newcomer's) and journaled envelopes
 * under an idempotency window of its own, so a retry sent to the other gateway was journaled twice.
 */
class GatewayDataDirectoryLockProcessTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldRefuseASecondGatewayOnADataDirectoryAndTakeItOnceTheFirstIsKilled() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path counters = dataDir.resolve(CountersFileDescriptor.FILE_NAME);
        final String envelope = Envelopes.batch(UUID.randomUUID(), UUID.randomUUID(), 0, 10);
        try (GatewayProcess first = GatewayProcess.start(dataDir))
        {
            assertEquals(202, first.beacon(envelope).statusCode(), first.logs());
            final Object countersFile = fileKey(counters);

            final IllegalStateException refused =
                assertThrows(IllegalStateException.class, () -> GatewayProcess.start(dataDir).close());
            assertTrue(refused.getMessage().contains(dataDir + ": another gateway is running here (" +
                dataDir.toRealPath().resolve(GatewayServer.LOCK_FILE) + " is locked)"), refused.getMessage());
            assertTrue(refused.getMessage().contains("exit 1"), refused.getMessage());

            assertEquals(countersFile, fileKey(counters), "the refused gateway replaced the counters file");
            assertEquals(10.0, first.metric("pitgun_frames_journaled_total"), first.logs());
            first.kill9();
        }
        try (GatewayProcess next = GatewayProcess.start(dataDir))
        {
            final String retry = next.beacon(envelope).body();
            assertTrue(retry.contains("\"envelopes_duplicate\":1"), retry);
            assertEquals(0, next.terminate(Duration.ofSeconds(20)), next.logs());
        }
        final JournaledFrames journal = JournaledFrames.read(dataDir);
        assertEquals(Map.of(), journal.duplicates());
        assertEquals(10, journal.frames());
    }

    private static Object fileKey(final Path file) throws java.io.IOException
    {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }
}
