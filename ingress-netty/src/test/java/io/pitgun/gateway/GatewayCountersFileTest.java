package io.pitgun.gateway;

import io.pitgun.engine.CountersFile;
import io.pitgun.engine.CountersFileDescriptor;
import io.pitgun.engine.PipelineCounter;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A gateway keeps its counters and its pipeline's in {@code DATA_DIR/pitgun-counters.dat}, described by type. */
class GatewayCountersFileTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAllocateEveryDescribedCounterInTheDataDirectorysCountersFile() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            gateway.server.counters().rejected(RejectReason.RING_FULL);
            final CountersReader reader = CountersFile.openReader(dataDir.resolve(CountersFileDescriptor.FILE_NAME));
            final Map<Integer, Integer> countByType = new HashMap<>();
            final Map<String, Long> byLabel = new HashMap<>();
            reader.forEach((value, counterId, label) ->
            {
                countByType.merge(reader.getCounterTypeId(counterId), 1, Integer::sum);
                byLabel.put(label, value);
            });
            assertEquals(PipelineCounter.values().length, countByType.get(PipelineCounter.TYPE_ID));
            assertEquals(GatewayCounter.values().length, countByType.get(GatewayCounter.TYPE_ID));
            assertEquals(RejectReason.values().length, countByType.get(GatewayCounter.REJECTION_TYPE_ID));
            assertEquals(WebSocketCloseReason.values().length, countByType.get(GatewayCounter.WS_CLOSE_TYPE_ID));
            assertEquals(1L, byLabel.get("gateway rejections: ring_full"));
            assertEquals(gateway.server.counters().rejections(RejectReason.RING_FULL),
                byLabel.get("gateway rejections: ring_full"));
        }
    }

    @Test
    void shouldRefuseADataDirectoryWhereNoCountersFileCanBeMadeNamingTheSetting() throws Exception
    {
        final Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
            () -> new GatewayHarness(notADirectory, Map.of()).close());
        assertTrue(ex.getMessage().contains("PITGUN_GATEWAY_DATA_DIR (--data-dir)"), ex.getMessage());
    }
}
