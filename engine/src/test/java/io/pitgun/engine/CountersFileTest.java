package io.pitgun.engine;

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

/** The counters file: what a pipeline writes, a second mapping (as another process would) reads live. */
class CountersFileTest
{
    @TempDir
    Path dir;

    @Test
    void shouldLetASecondMappingReadPipelineCountersLive()
    {
        final Path file = dir.resolve(CountersFileDescriptor.FILE_NAME);
        final CountersFile countersFile = CountersFile.create(file, CountersFileDescriptor.DEFAULT_MAX_COUNTERS);
        final PipelineCounters counters = new PipelineCounters(countersFile.manager());
        final CountersReader reader = CountersFile.openReader(file);

        counters.increment(PipelineCounter.FRAMES_ACCEPTED);
        counters.add(PipelineCounter.FRAMES_JOURNALED, 7);
        counters.incrementShared(PipelineCounter.DROPPED_UNDECODABLE);

        final Map<String, Long> byLabel = new HashMap<>();
        reader.forEach((value, counterId, label) ->
        {
            assertEquals(PipelineCounter.TYPE_ID, reader.getCounterTypeId(counterId));
            byLabel.put(label, value);
        });
        assertEquals(PipelineCounter.values().length, byLabel.size());
        assertEquals(1L, byLabel.get(PipelineCounter.FRAMES_ACCEPTED.label()));
        assertEquals(7L, byLabel.get(PipelineCounter.FRAMES_JOURNALED.label()));
        assertEquals(1L, byLabel.get(PipelineCounter.DROPPED_UNDECODABLE.label()));
        assertEquals(0L, byLabel.get(PipelineCounter.STAGE_ERRORS.label()));

        counters.increment(PipelineCounter.FRAMES_ACCEPTED);
        final long[] live = new long[1];
        reader.forEach((value, counterId, label) ->
        {
            if (label.equals(PipelineCounter.FRAMES_ACCEPTED.label()))
            {
                live[0] = value;
            }
        });
        assertEquals(2L, live[0]);
    }

    @Test
    void shouldRefuseAFileThatIsNotACountersFile() throws Exception
    {
        final Path file = Files.write(dir.resolve("other.dat"), new byte[4096]);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> CountersFile.openReader(file));
        assertTrue(ex.getMessage().contains("not a Pitgun counters file"), ex.getMessage());
    }

    @Test
    void shouldRefuseDescriptorsWithADuplicateId()
    {
        CounterDescriptor.checkIds(PipelineCounter.values());
        final CounterDescriptor[] clash = { descriptor(0, "a"), descriptor(1, "b"), descriptor(1, "c") };
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> CounterDescriptor.checkIds(clash));
        assertTrue(ex.getMessage().contains("not 1"), ex.getMessage());
    }

    private static CounterDescriptor descriptor(final int id, final String label)
    {
        return new CounterDescriptor()
        {
            @Override
            public int id()
            {
                return id;
            }

            @Override
            public String label()
            {
                return label;
            }
        };
    }
}
