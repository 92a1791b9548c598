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
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertNull(table.findOrCreate(4, 4, 0, 0, 0, 219), "again, without a scan (the bounds say none is idle)");
        assertNotNull(table.findOrCreate(4, 4, 0, 0, 0, 220), "newcomer's newest (160) is 60 older");
        assertEquals(2, ended.size());
        assertSame(busy, table.find(2, 2, 0));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldEndTheStreamLastSeenLongestAgoOnceTheTableClockHasAdvancedTheTimeoutSinceIt()
    {
        // The streams' clocks are hours apart: only each one's own advance moves the table's clock (G, 0 at the
        // first frame). Before, busy's frames were "5 s newer" than quiet's and a newcomer's, and ended them.
        final List<StreamState> ended = new ArrayList<>();
        final StreamTable table = new StreamTable(2, StreamTableTest::newStream, 60, ended::add);
        final StreamState quiet = table.findOrCreate(1, 1, 0, 0, 0, 1_000); // G 0
        final StreamState busy = table.findOrCreate(2, 2, 0, 0, 0, 5_000_000); // its first frame: G 0 too
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 7), "a newcomer whose clock is far behind: none is idle");
        assertSame(busy, table.findOrCreate(2, 2, 0, 0, 0, 5_000_059)); // G 59
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 7), "quiet was last seen at G 0, 59 ago: not idle");
        assertSame(quiet, table.findOrCreate(1, 1, 0, 0, 0, 990), "its own time went back: still seen now, at G 59");
        assertSame(busy, table.findOrCreate(2, 2, 0, 0, 0, 5_000_118)); // G 118
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 8), "quiet seen 59 ago");
        assertSame(busy, table.findOrCreate(2, 2, 0, 0, 0, 5_000_119)); // G 119
        final StreamState newcomer = table.findOrCreate(3, 3, 0, 0, 0, 8);
        assertNotNull(newcomer, "quiet seen at G 59, 60 ago: idle");
        assertEquals(List.of(quiet), ended, "the idlest stream is ended, told once");
        assertNull(table.find(1, 1, 0));
        assertSame(newcomer, table.find(3, 3, 0));
        assertEquals(2, table.size());
        assertNull(table.findOrCreate(4, 4, 0, 0, 0, 0), "newcomer and busy seen at G 119");
        assertSame(busy, table.findOrCreate(2, 2, 0, 0, 0, 5_000_178)); // G 178
        assertNull(table.findOrCreate(4, 4, 0, 0, 0, 0), "newcomer seen 59 ago");
        assertNull(table.findOrCreate(4, 4, 0, 0, 0, 0), "again, without a scan (the bound says none is idle)");
        assertSame(busy, table.findOrCreate(2, 2, 0, 0, 0, 5_000_179)); // G 179
        assertNotNull(table.findOrCreate(4, 4, 0, 0, 0, 0), "newcomer seen 60 ago");
        assertEquals(2, ended.size());
        assertSame(newcomer, ended.get(1));
        assertSame(busy, table.find(2, 2, 0));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldLetAnHonestStreamInOnceItsOwnClockPassesTheTimeoutWhenTheTableIsFullOfFarFutureStreams()
    {
        // Before: 64 one-frame streams stamped 2^53 - 1 filled the table, no honest frame was ever 60 s newer than
        // that, and every later stream was refused for the pipeline's life.
        final long farFutureUs = (1L << 53) - 1;
        final long idleUs = PipelineConfig.DEFAULT_STREAM_IDLE_TIMEOUT_US;
        final List<Long> ended = new ArrayList<>(); // the ended streams' sessions (their states go back to the pool)
        final StreamTable table = new StreamTable(PipelineConfig.DEFAULT_MAX_SOURCES, StreamTableTest::newStream,
            idleUs, stream -> ended.add(stream.sessionMsb));
        for (int session = 0; session < PipelineConfig.DEFAULT_MAX_SOURCES; session++)
        {
            assertNotNull(table.findOrCreate(100 + session, 0, 0, 9, 9, farFutureUs));
        }
        final long nowUs = 1_700_000_000_000_000L;
        final long stepUs = 500_000;
        for (long k = 0; k * stepUs < idleUs; k++)
        {
            assertNull(table.findOrCreate(1, 1, 0, 1, 1, nowUs + k * stepUs),
                "its own clock advanced " + k * stepUs + " us: not yet the timeout");
        }
        assertEquals(List.of(), ended);
        final StreamState honest = table.findOrCreate(1, 1, 0, 1, 1, nowUs + idleUs);
        assertNotNull(honest, "its own clock advanced the timeout: the silent streams are idle");
        assertEquals(1, ended.size(), "the idlest ended, told once");
        assertEquals(PipelineConfig.DEFAULT_MAX_SOURCES, table.size());
        assertSame(honest, table.findOrCreate(1, 1, 0, 1, 1, nowUs + idleUs + stepUs));
        assertNotNull(table.findOrCreate(2, 2, 0, 2, 2, nowUs - 3_600_000_000L),
            "the next new stream, its clock an hour behind, finds a silent stream idle at once");
        assertEquals(2, ended.size());
        assertTrue(ended.get(0) >= 100 && ended.get(1) >= 100, "only far-future streams ended: " + ended);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldNeverEndStreamsSendingInBurstsOrAtDifferentRates()
    {
        // One stream sends a burst of 50 frames every 50 s of its time, one a frame every 100 ms, one a frame a
        // second; a fourth is refused throughout (by neither rule is any of them idle).
        final List<StreamState> ended = new ArrayList<>();
        final StreamTable table = new StreamTable(3, StreamTableTest::newStream,
            PipelineConfig.DEFAULT_STREAM_IDLE_TIMEOUT_US, ended::add);
        final long startUs = 1_700_000_000_000_000L;
        for (long ms = 0; ms < 1_000_000; ms += 100)
        {
            final long nowUs = startUs + ms * 1_000L;
            if (ms % 50_000 == 0)
            {
                for (int frame = 0; frame < 50; frame++)
                {
                    assertNotNull(table.findOrCreate(1, 0, 0, 1, 0, nowUs - (49 - frame) * 1_000_000L));
                }
            }
            assertNotNull(table.findOrCreate(2, 0, 0, 2, 0, nowUs));
            if (ms % 1_000 == 0)
            {
                assertNotNull(table.findOrCreate(3, 0, 0, 3, 0, nowUs));
            }
            assertNull(table.findOrCreate(4, 0, 0, 4, 0, nowUs + ms % 3_000), "ms " + ms);
        }
        assertEquals(List.of(), ended);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldAdvanceTheClockByAtMostTheTimeoutPerFrameWhateverTheTimestamps()
    {
        // A stream's own clock jumping far ahead (or from Long.MIN_VALUE to Long.MAX_VALUE) makes the others look
        // idle, as one step of the timeout does, and no more: its later frames advance the clock from there.
        final List<StreamState> ended = new ArrayList<>();
        final StreamTable table = new StreamTable(2, StreamTableTest::newStream, 60, ended::add);
        final StreamState jumper = table.findOrCreate(1, 1, 0, 0, 0, Long.MIN_VALUE);
        final StreamState other = table.findOrCreate(2, 2, 0, 0, 0, 0);
        assertSame(jumper, table.findOrCreate(1, 1, 0, 0, 0, Long.MAX_VALUE)); // G 60
        assertSame(other, table.findOrCreate(2, 2, 0, 0, 0, 59)); // seen at G 60, its clock 1 behind G
        assertSame(jumper, table.findOrCreate(1, 1, 0, 0, 0, Long.MAX_VALUE)); // no further
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 0), "both seen at G 60");
        assertSame(other, table.findOrCreate(2, 2, 0, 0, 0, 119)); // G 60 + 59 (it was 1 behind): 119
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 0), "jumper seen 59 ago");
        assertSame(other, table.findOrCreate(2, 2, 0, 0, 0, 120)); // G 120
        assertNotNull(table.findOrCreate(3, 3, 0, 0, 0, 0), "jumper seen 60 ago");
        assertEquals(List.of(jumper), ended);
    }
}
