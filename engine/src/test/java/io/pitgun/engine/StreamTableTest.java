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
    void shouldLetTheIdleEndReachTheEndingStreamButStartNoOtherInsideIt()
    {
        // The idle end emits the merge windows held for the stream ending: they reach it while it is still live. A
        // window of a stream not live must not start a second idle end inside the first (which would end the same
        // stream again, and again, and move the cells the first is about to remove): its frames may be as new as the
        // frame that needed the place.
        final List<StreamState> ended = new ArrayList<>();
        final List<StreamState> reached = new ArrayList<>();
        final StreamTable[] table = new StreamTable[1];
        table[0] = new StreamTable(2, StreamTableTest::newStream, 60, stream ->
        {
            ended.add(stream);
            reached.add(table[0].findOrCreate(stream.sessionMsb, stream.sessionLsb, 1, 0, 0, 200));
            reached.add(table[0].findOrCreate(stream.sessionMsb, stream.sessionLsb, stream.sourceId, 0, 0, 200));
        });
        final StreamState quiet = table[0].findOrCreate(1, 1, 0, 0, 0, 100);
        final StreamState busy = table[0].findOrCreate(2, 2, 0, 0, 0, 150);
        final StreamState newcomer = table[0].findOrCreate(3, 3, 0, 0, 0, 200);
        assertNotNull(newcomer, "quiet's newest (100) is 100 older: idle");
        assertEquals(List.of(quiet), ended, "ended once");
        assertNull(reached.get(0), "another stream of its session, not live: refused, the table being full");
        assertSame(quiet, reached.get(1), "the ending stream is still live while its end is told");
        assertNull(table[0].find(1, 1, 0));
        assertNull(table[0].find(1, 1, 1));
        assertSame(busy, table[0].find(2, 2, 0));
        assertSame(newcomer, table[0].find(3, 3, 0));
        assertEquals(2, table[0].size());
        assertEquals(2, occupiedCells(table[0]));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldEndAStreamSilentSinceANewStreamsFirstRefusalOnceTheNewStreamWaitedTheTimeoutByItsOwnClock()
    {
        // The streams' clocks are hours apart and rule 1 (frame time) never holds here: only the newcomer's own
        // waiting counts, and only streams that sent nothing since its first refused frame.
        final List<StreamState> ended = new ArrayList<>();
        final StreamTable table = new StreamTable(2, StreamTableTest::newStream, 60, ended::add);
        final StreamState quiet = table.findOrCreate(1, 1, 0, 0, 0, 5_000_000);
        final StreamState busy = table.findOrCreate(2, 2, 0, 0, 0, 9_000_000);
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 7), "the newcomer's first refused frame");
        assertSame(busy, table.findOrCreate(2, 2, 0, 0, 0, 9_000_001));
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 66), "waited 59 of its own clock");
        assertSame(quiet, table.findOrCreate(1, 1, 0, 0, 0, 4_000_000), "quiet sends (its own time went back)");
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 67), "waited 60, but both sent since its first refusal");
        assertNull(table.findOrCreate(4, 4, 0, 0, 0, 0), "another newcomer: its first refused frame");
        assertSame(busy, table.findOrCreate(2, 2, 0, 0, 0, 9_000_002));
        final StreamState newcomer = table.findOrCreate(4, 4, 0, 0, 0, 60);
        assertNotNull(newcomer, "waited 60 by its own clock; quiet sent nothing since its first refused frame");
        assertEquals(List.of(quiet), ended, "the stream silent longest is ended, told once");
        assertNull(table.find(1, 1, 0));
        assertSame(newcomer, table.find(4, 4, 0));
        assertSame(busy, table.find(2, 2, 0));
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 100), "newcomer and busy sent since 3's waiting began");
        assertNull(table.findOrCreate(3, 3, 0, 0, 0, 101), "its waiting began again at 100: 1 of 60");
        assertEquals(1, ended.size());
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
        assertNull(table.findOrCreate(2, 2, 0, 2, 2, nowUs - 3_600_000_000L),
            "the next new stream, its clock an hour behind, waits its own timeout too");
        assertNotNull(table.findOrCreate(2, 2, 0, 2, 2, nowUs - 3_600_000_000L + idleUs));
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
    void shouldNotLetOneStreamsClockJumpMakeTheOthersIdleToANewStream()
    {
        // Four streams on one clock a frame every 100 ms; one of them jumps 5 s ahead (a pause in a recording, a
        // replay faster than real time); a new stream on the others' clock comes: refused, no live stream ends, and
        // the three that keep sending keep their places however long the newcomer waits. A clock shared by the
        // set, advanced by any stream's own clock, made the three look idle at the jump (an adversarial review).
        final List<Long> ended = new ArrayList<>(); // the ended streams' sessions (their states go back to the pool)
        final StreamTable table = new StreamTable(4, StreamTableTest::newStream, 1_000_000L,
            stream -> ended.add(stream.sessionMsb));
        final long t0 = 1_700_000_000_000_000L;
        for (int k = 0; k < 10; k++)
        {
            for (int s = 1; s <= 4; s++)
            {
                assertNotNull(table.findOrCreate(s, 0, 0, s, 0, t0 + k * 100_000L));
            }
        }
        for (int k = 10; k < 40; k++)
        {
            assertNotNull(table.findOrCreate(1, 0, 0, 1, 0, t0 + k * 100_000L + 5_000_000L), "stream 1 jumped");
            assertNull(table.findOrCreate(5, 0, 0, 5, 0, t0 + k * 100_000L), "the newcomer, " + k);
            for (int s = 2; s <= 4; s++)
            {
                assertNotNull(table.findOrCreate(s, 0, 0, s, 0, t0 + k * 100_000L), "stream " + s + " at " + k);
            }
        }
        assertEquals(List.of(), ended, "streams that keep sending never end, whatever one's clock did");
        // Stream 1 falls silent: once the newcomer has waited the timeout since stream 1's last frame (its waiting
        // starts again each time it waited the timeout in vain), stream 1 ends.
        StreamState in = null;
        int k = 40;
        for (; in == null && k < 80; k++)
        {
            in = table.findOrCreate(5, 0, 0, 5, 0, t0 + k * 100_000L);
            for (int s = 2; s <= 4; s++)
            {
                assertNotNull(table.findOrCreate(s, 0, 0, s, 0, t0 + k * 100_000L));
            }
        }
        assertNotNull(in, "the newcomer got stream 1's place");
        assertTrue(k - 1 >= 50 && k - 1 <= 60, "within two timeouts of stream 1's last frame: at " + (k - 1));
        assertEquals(List.of(1L), ended);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldLetSeventeenRefusedStreamsTakingTurnsInPastSilentFarFutureStreams()
    {
        // More refused streams than places to remember them, taking turns: the ones remembered first keep their
        // waiting (a new one takes the place of the one remembered last), so they get in, and then the others.
        final List<StreamState> ended = new ArrayList<>();
        final StreamTable table = new StreamTable(4, StreamTableTest::newStream, 1_000_000L, ended::add);
        for (int s = 0; s < 4; s++)
        {
            assertNotNull(table.findOrCreate(100 + s, 0, 0, 9, 9, (1L << 53) - 1));
        }
        final long t0 = 1_700_000_000_000_000L;
        final int honest = StreamClock.REFUSED + 1;
        final int[] processed = new int[honest];
        for (int round = 0; round < 40; round++)
        {
            for (int h = 0; h < honest; h++)
            {
                if (table.findOrCreate(h, 0, 0, h, 0, t0 + round * 200_000L) != null)
                {
                    processed[h]++;
                }
            }
        }
        assertEquals(4, ended.size(), "every far-future stream ended");
        int in = 0;
        for (final int count : processed)
        {
            in += count > 0 ? 1 : 0;
        }
        assertEquals(4, in, "four honest streams hold the four places: " + java.util.Arrays.toString(processed));
    }

}
