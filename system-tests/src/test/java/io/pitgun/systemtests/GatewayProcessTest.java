package io.pitgun.systemtests;

import io.pitgun.testsupport.JournaledFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness itself: a gateway process starts, ingests one session, stops on SIGTERM, and its journal reads back. */
class GatewayProcessTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldIngestASessionAndStopOnSigterm() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final UUID session = UUID.randomUUID();
        try (GatewayProcess gateway = GatewayProcess.start(dataDir))
        {
            assertEquals(200, gateway.get("/health").statusCode(), gateway.logs());
            for (final String envelope : new String[] {
                Envelopes.sessionStart(UUID.randomUUID(), session),
                Envelopes.batch(UUID.randomUUID(), session, 0, 10),
                Envelopes.sessionEnd(UUID.randomUUID(), session, 9)})
            {
                final HttpResponse<String> response = gateway.beacon(envelope);
                assertEquals(202, response.statusCode(), response.body());
            }
            assertTrue(gateway.rssBytes() > 0);
            assertEquals(0, gateway.terminate(Duration.ofSeconds(10)), gateway.logs());
        }
        final JournaledFrames journal = JournaledFrames.read(dataDir);
        for (long sequence = 0; sequence < 10; sequence++)
        {
            assertEquals(1, journal.count(session, sequence), "frame " + sequence);
        }
        assertEquals(Map.of(), journal.duplicates());
    }
}
