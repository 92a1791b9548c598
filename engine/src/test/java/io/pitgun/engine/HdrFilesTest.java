package io.pitgun.engine;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A histogram file that cannot be written is an error naming the file and the cause, not an empty file: HdrHistogram
 * writes through a PrintStream, which swallows the IOException (black-box: pitgun loadgen on a full file system wrote
 * empty loadgen.hgrm and loadgen.hlog, named them and exited 0). /dev/full answers every write ENOSPC, as root too.
 */
class HdrFilesTest
{
    @TempDir
    Path dir;

    @Test
    void shouldThrowWhenTheFilesCannotBeWritten() throws Exception
    {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full here");
        final Histogram nanos = new Histogram(3);
        for (int i = 1; i <= 10_000; i++)
        {
            nanos.recordValue(i * 1_000L);
        }
        nanos.setStartTimeStamp(1_000);
        nanos.setEndTimeStamp(2_000);
        final Path hgrm = Files.createSymbolicLink(dir.resolve("loadgen.hgrm"), Path.of("/dev/full"));
        final Path hlog = Files.createSymbolicLink(dir.resolve("loadgen.hlog"), Path.of("/dev/full"));

        final IOException percentiles = assertThrows(IOException.class,
            () -> HdrFiles.writePercentiles(hgrm, new HdrFiles.Series("loadgen", nanos)));
        assertTrue(percentiles.getMessage().contains(hgrm.toString()), percentiles.getMessage());
        assertTrue(percentiles.getMessage().contains("No space left on device"), percentiles.getMessage());
        assertThrows(IOException.class, () -> HdrFiles.writeIntervals(hlog, null, List.of(nanos), 1_000));
        assertThrows(IOException.class, () -> HdrFiles.writeIntervalLog(hlog,
            List.of(new HdrFiles.Series("stage", nanos)), 1_000, 2_000));
    }
}
