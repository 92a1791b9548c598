package io.pitgun.engine;

import io.pitgun.manifest.CompiledManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The stream table under session churn: streams come and go far more often than the table has cells. The timeouts
 * are preemptive because the failure they guard against is a probe loop that never returns.
 */
class StreamTableTest
{
    private static final CompiledManifest MANIFEST = Manifests.compile("lap-power.yaml");
    private static final SegmentPlan PLAN = new SegmentPlan(MANIFEST);

    static StreamState newStream()
    {
        return new StreamState(MANIFEST.newProgram(), new StreamSegments(PLAN));
    }

    static StreamTable newTable(final int maxLive)
    {
        return new StreamTable(maxLive, StreamTableTest::newStream, PipelineConfig.DEFAULT_STREAM_IDLE_TIMEOUT_US);
    }

    static int occupiedCells(final StreamTable table)
    {
        int occupied = 0;
        for (int i = 0; i < table.capacity(); i++)
        {
            occupied += table.at(i) != null ? 1 : 0;
        }
        return occupied;
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldKeepFindingStreamsAfterManyMoreSessionsThanCells()
    {
        final StreamTable table = newTable(16);
        for (int session = 0; session < 10_000; session++)
        {
            // A session's start looks its stream up first (a SessionStart ends a live one), then a frame creates it.
            assertNull(table.find(session, ~session, 0));
            final StreamState stream = table.findOrCreate(session, ~session, 0, 7, 8, session);
            assertNotNull(stream, "session " + session);
            assertSame(stream, table.find(session, ~session, 0));
            table.remove(stream);
            assertNull(table.find(session, ~session, 0), "session " + session);
        }
        assertEquals(0, occupiedCells(table), "no cell stays taken by a removed stream");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldKeepEveryLiveStreamReachableWhenItsClusterShiftsBack()
    {
        // Session (0, 0) hashes source s to cell s: sources 0..7 make one cluster, source 32 has home 0 in a table of
        // 32 cells and lands after it. Removing from the middle must shift the later ones back, not orphan them.
        final StreamTable table = newTable(16);
        assertEquals(32, table.capacity());
        for (int source = 0; source < 8; source++)
        {
            assertNotNull(table.findOrCreate(0, 0, source, 0, 0, 0));
        }
        assertNotNull(table.findOrCreate(0, 0, 32, 0, 0, 0));
        assertNotNull(table.findOrCreate(0, 0, 31, 0, 0, 0)); // home 31: wraps the cluster around the end
        assertNotNull(table.findOrCreate(0, 0, 63, 0, 0, 0)); // home 31, lands in cell 9 after the wrap
        table.remove(table.find(0, 0, 3));
        table.remove(table.find(0, 0, 0));
        table.remove(table.find(0, 0, 31));
        for (final int source : new int[] {1, 2, 4, 5, 6, 7, 32, 63})
        {
            final StreamState stream = table.find(0, 0, source);
            assertNotNull(stream, "source " + source);
            assertEquals(source, stream.sourceId);
        }
        assertNull(table.find(0, 0, 3));
        assertNull(table.find(0, 0, 0));
        assertNull(table.find(0, 0, 31));
        assertEquals(8, occupiedCells(table));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseAStreamPastMaxSourcesAndAcceptOneAgainOnceAStreamEnds()
    {
        final StreamTable table = newTable(2);
        final StreamState first = table.findOrCreate(1, 1, 0, 0, 0, 0);
        assertNotNull(table.findOrCreate(2, 2, 0, 0, 0, 0));
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 0), "a third live stream is refused, not looped over");
        assertNull(table.find(3, 3, 0));
        assertSame(first, table.findOrCreate(1, 1, 0, 0, 0, 0), "a live stream is still found when the table is full");
        table.remove(first);
        assertNotNull(table.findOrCreate(3, 3, 0, 0, 0, 0));
        assertEquals(2, occupiedCells(table));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldEndTheStreamWhoseNewestFrameIsOldestOnceANewStreamsFrameIsTheTimeoutNewer()
    {
        final List<StreamState> ended = new ArrayList<>();
        final StreamTable table = new StreamTable(2, StreamTableTest::newStream, 60, ended::add);
        final StreamState quiet = table.findOrCreate(1, 1, 0, 0, 0, 100);
        final StreamState busy = table.findOrCreate(2, 2, 0, 0, 0, 110);
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 159), "quiet's newest is 59 older: not idle");
        assertSame(busy, table.findOrCreate(2, 2, 0, 0, 0, 200));
        assertSame(quiet, table.findOrCreate(1, 1, 0, 0, 0, 90), "an older frame leaves its newest at 100");
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 150), "150 is 50 newer than quiet's 100: not idle");
        final StreamState newcomer = table.findOrCreate(3, 3, 0, 0, 0, 160);
        assertNotNull(newcomer, "quiet's newest (100) is 60 older: idle");
        assertEquals(List.of(quiet), ended, "the idlest stream is ended, told once");
        assertNull(table.find(1, 1, 0));
        assertSame(newcomer, table.find(3, 3, 0));
        assertEquals(2, table.size());
        assertNull(table.findOrCreate(4, 4, 0, 0, 0, 219), "busy's newest is 200: 19 older");
        assertNull(table.findOrCreate(4, 4, 0, 0, 0, 219), "again, without a scan (the bound says none is idle)");
        assertNotNull(table.findOrCreate(4, 4, 0, 0, 0, 220), "newcomer's newest (160) is 60 older");
        assertEquals(2, ended.size());
        assertSame(busy, table.find(2, 2, 0));
    }
}
