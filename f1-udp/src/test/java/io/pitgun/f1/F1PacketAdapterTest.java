package io.pitgun.f1;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.HeldThreads;
import io.pitgun.testsupport.JournaledFrames;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder against packets built byte by byte from EA's specification ({@link SpecPacket}), each packet's frames
 * read back from a real pipeline's journal.
 */
class F1PacketAdapterTest
{
    private static final long SESSION_UID = 0x1122_3344_5566_7788L;
    private static final int PLAYER = 3;

    @TempDir
    Path dir;

    private TelemetryPipeline pipeline;
    private F1UdpCounters counters;
    private F1PacketAdapter adapter;
    private boolean closed;

    @BeforeEach
    void start() throws Exception
    {
        open(false);
    }

    private void open(final boolean allCars) throws Exception
    {
        pipeline = TelemetryPipeline.builder().name("f1-test")
            .dictionary(ParameterRegistry.loadResource(F1Channel.DICTIONARY_RESOURCE))
            .manifest(Path.of(Objects.requireNonNull(getClass().getResource("/f1-passthrough.yaml")).getPath()))
            .config(PipelineConfig.builder().journalDirectory(dir.resolve("journal")).ackMode(AckMode.JOURNALED)
                .build())
            .build();
        counters = new F1UdpCounters();
        adapter = new F1PacketAdapter(pipeline, allCars, counters);
    }

    @AfterEach
    void stop()
    {
        if (!closed)
        {
            pipeline.close();
        }
    }

    private List<JournaledFrames.Frame> journaled()
    {
        adapter.endSession();
        pipeline.close();
        closed = true;
        return JournaledFrames.frames(dir.resolve("journal"));
    }

    private boolean send(final SpecPacket packet)
    {
        return adapter.onPacket(packet.buffer(), 0, packet.length());
    }

    @Test
    void shouldHaveTheSpecificationsPacketSizes()
    {
        assertEquals(29, F1PacketDescriptor.HEADER_LENGTH);
        assertEquals(1349, F1PacketDescriptor.MOTION_LENGTH);
        assertEquals(753, F1PacketDescriptor.SESSION_LENGTH);
        assertEquals(1285, F1PacketDescriptor.LAP_DATA_LENGTH);
        assertEquals(45, F1PacketDescriptor.EVENT_LENGTH);
        assertEquals(1352, F1PacketDescriptor.CAR_TELEMETRY_LENGTH);
        assertEquals(1239, F1PacketDescriptor.CAR_STATUS_LENGTH);
        assertEquals(29, SpecPacket.header(2025, 6, 1, 0f, 0, 0, 0).length());
        assertEquals(F1PacketDescriptor.CAR_TELEMETRY_LENGTH, telemetryPacket(2025, 0, 0, 100).length());
        assertEquals(F1PacketDescriptor.LAP_DATA_LENGTH, lapPacket(0, 0, 5, 2).length());
        assertEquals(F1PacketDescriptor.MOTION_LENGTH, motionPacket(0).length());
        assertEquals(F1PacketDescriptor.CAR_STATUS_LENGTH, statusPacket(0).length());
        assertEquals(F1PacketDescriptor.SESSION_LENGTH, sessionPacket(0).length());
        assertEquals(F1PacketDescriptor.EVENT_LENGTH, eventPacket(0, "FTLP").length());
    }

    @Test
    void shouldDecodeCarTelemetryOfThePlayersCar()
    {
        assertTrue(send(telemetryPacket(2025, 10, 10, 287)));
        final List<JournaledFrames.Frame> frames = journaled();
        assertEquals(1, frames.size());
        final JournaledFrames.Frame frame = frames.get(0);
        assertEquals(F1PacketAdapter.sessionId(SESSION_UID), frame.sessionId());
        assertEquals(PLAYER, frame.sourceId());
        assertEquals(0, frame.sequence());
        assertEquals(287.0, value(frame, F1Channel.SPEED));
        assertEquals((double)(float)(0.75f * 100.0), value(frame, F1Channel.THROTTLE));
        assertEquals((double)(float)(0.25f * 100.0), value(frame, F1Channel.BRAKE));
        assertEquals((double)-0.5f, value(frame, F1Channel.STEER));
        assertEquals(7.0, value(frame, F1Channel.GEAR));
        assertEquals(11_500.0, value(frame, F1Channel.ENGINE_RPM));
        assertEquals(1.0, value(frame, F1Channel.DRS));
        assertEquals(40.0, value(frame, F1Channel.REV_LIGHTS_PERCENT));
        assertEquals(500.0, value(frame, F1Channel.BRAKE_TEMP_RL));
        assertEquals(503.0, value(frame, F1Channel.BRAKE_TEMP_FR));
        assertEquals(90.0, value(frame, F1Channel.TYRE_SURFACE_TEMP_RL));
        assertEquals(103.0, value(frame, F1Channel.TYRE_INNER_TEMP_FR));
        assertEquals(105.0, value(frame, F1Channel.ENGINE_TEMP));
        assertEquals((double)23.5f, value(frame, F1Channel.TYRE_PRESSURE_RL));
        assertEquals((double)26.5f, value(frame, F1Channel.TYRE_PRESSURE_FR));
        assertEquals(1, counters.get(F1UdpCounters.Total.PACKETS_DECODED));
        assertEquals(1, counters.get(F1UdpCounters.Total.FRAMES_PUBLISHED));
    }

    @Test
    void shouldDecodeLapDataIntoLapSectorAndTimes()
    {
        assertTrue(send(lapPacket(10, 10, 5, 1)));
        assertTrue(send(telemetryPacket(2025, 11, 11, 250)));
        final List<JournaledFrames.Frame> frames = journaled();
        assertEquals(2, frames.size());
        final JournaledFrames.Frame lap = frames.get(0);
        assertEquals(5, lap.lapNumber());
        assertEquals(1, lap.sector());
        assertEquals(83_456.0, value(lap, F1Channel.LAST_LAP_TIME));
        assertEquals(12_345.0, value(lap, F1Channel.CURRENT_LAP_TIME));
        assertEquals(61_001.0, value(lap, F1Channel.SECTOR1_TIME)); // 1 min + 1001 ms: minutes and ms parts
        assertEquals(1_234.0, value(lap, F1Channel.DELTA_TO_CAR_IN_FRONT));
        assertEquals(65_678.0, value(lap, F1Channel.DELTA_TO_RACE_LEADER));
        assertEquals((double)1520.25f, value(lap, F1Channel.LAP_DISTANCE));
        assertEquals((double)11520.25f, value(lap, F1Channel.TOTAL_DISTANCE));
        assertEquals(4.0, value(lap, F1Channel.CAR_POSITION));
        assertEquals(5.0, value(lap, F1Channel.CURRENT_LAP));
        assertEquals(1.0, value(lap, F1Channel.SECTOR));
        assertEquals(1.0, value(lap, F1Channel.NUM_PIT_STOPS));
        assertEquals(3.0, value(lap, F1Channel.PENALTIES));
        assertEquals(2.0, value(lap, F1Channel.RESULT_STATUS));
        // Every later frame of the car carries the lap and sector lap data gave it.
        assertEquals(5, frames.get(1).lapNumber());
        assertEquals(1, frames.get(1).sector());
        assertEquals(1, frames.get(1).sequence());
    }

    @Test
    void shouldDecodeMotionStatusSessionAndEvent()
    {
        assertTrue(send(motionPacket(20)));
        assertTrue(send(statusPacket(20)));
        assertTrue(send(sessionPacket(20)));
        assertTrue(send(eventPacket(20, "FTLP")));
        final List<JournaledFrames.Frame> frames = journaled();
        assertEquals(4, frames.size());
        final JournaledFrames.Frame motion = frames.get(0);
        assertEquals((double)-512.25f, value(motion, F1Channel.WORLD_POSITION_X));
        assertEquals((double)70f, value(motion, F1Channel.WORLD_VELOCITY_X));
        assertEquals((double)3.25f, value(motion, F1Channel.G_LATERAL));
        assertEquals((double)-1.5f, value(motion, F1Channel.G_LONGITUDINAL));
        assertEquals((double)1.1f, value(motion, F1Channel.G_VERTICAL));
        assertEquals((double)0.5f, value(motion, F1Channel.YAW));
        assertEquals((double)-0.02f, value(motion, F1Channel.ROLL));
        final JournaledFrames.Frame status = frames.get(1);
        assertEquals((double)42.5f, value(status, F1Channel.FUEL_IN_TANK));
        assertEquals((double)110f, value(status, F1Channel.FUEL_CAPACITY));
        assertEquals(56.0, value(status, F1Channel.FRONT_BRAKE_BIAS));
        assertEquals(13_000.0, value(status, F1Channel.MAX_RPM));
        assertEquals(1.0, value(status, F1Channel.DRS_ALLOWED));
        assertEquals(22.0, value(status, F1Channel.ACTUAL_TYRE_COMPOUND)); // C6, new in F1 25
        assertEquals(-1.0, value(status, F1Channel.FIA_FLAG));
        assertEquals((double)-120_000f, value(status, F1Channel.ENGINE_POWER_MGUK));
        assertEquals((double)3_900_000f, value(status, F1Channel.ERS_STORE_ENERGY));
        assertEquals(2.0, value(status, F1Channel.ERS_DEPLOY_MODE));
        assertEquals((double)250_000f, value(status, F1Channel.ERS_DEPLOYED_LAP));
        final JournaledFrames.Frame session = frames.get(2);
        assertEquals(PLAYER, session.sourceId());
        assertEquals(2.0, value(session, F1Channel.WEATHER));
        assertEquals(-3.0, value(session, F1Channel.TRACK_TEMP)); // i8
        assertEquals(18.0, value(session, F1Channel.AIR_TEMP));
        assertEquals(5_793.0, value(session, F1Channel.TRACK_LENGTH));
        assertEquals(11.0, value(session, F1Channel.TRACK_ID));
        assertEquals(3_600.0, value(session, F1Channel.SESSION_DURATION));
        assertEquals(80.0, value(session, F1Channel.PIT_SPEED_LIMIT));
        assertEquals(2.0, value(session, F1Channel.SAFETY_CAR_STATUS));
        assertEquals((double)1_900.5f, value(session, F1Channel.SECTOR2_START));
        assertEquals((double)3_800.25f, value(session, F1Channel.SECTOR3_START));
        final JournaledFrames.Frame event = frames.get(3);
        assertEquals(F1EventCode.FASTEST_LAP & 0xFFFF_FFFFL, (long)value(event, F1Channel.EVENT_CODE));
        assertEquals("FTLP", F1EventCode.letters(F1EventCode.FASTEST_LAP));
        assertEquals(7.0, value(event, F1Channel.EVENT_VEHICLE));
        assertEquals((double)81.25f, value(event, F1Channel.EVENT_VALUE));
    }

    @Test
    void shouldTimeFramesBySessionTime()
    {
        assertTrue(send(telemetryPacket(2025, 1, 1, 100)));
        final SpecPacket later = SpecPacket.header(2025, 6, SESSION_UID, 12.5f + 1.25f, 2, 2, PLAYER);
        appendTelemetryCars(later, 101);
        assertTrue(send(later));
        final List<JournaledFrames.Frame> frames = journaled();
        assertEquals(1_250_000L, frames.get(1).timestampUs() - frames.get(0).timestampUs());
    }

    @Test
    void shouldRefuseAPacketFormatWrittenBigEndian()
    {
        final SpecPacket packet = telemetryPacket(2025, 1, 1, 100);
        packet.bytes.order(ByteOrder.BIG_ENDIAN).putShort(0, (short)2025);
        assertEquals(0xE907, packet.bytes.order(ByteOrder.LITTLE_ENDIAN).getShort(0) & 0xFFFF);
        assertFalse(send(packet));
        assertEquals(1, counters.drops(F1DropReason.WRONG_FORMAT));
        assertTrue(journaled().isEmpty());
    }

    @Test
    void shouldRefuseAnotherGamesFormatButAcceptF124()
    {
        assertFalse(send(telemetryPacket(2023, 1, 1, 100)));
        assertTrue(send(telemetryPacket(2024, 2, 2, 100)));
        assertEquals(1, counters.drops(F1DropReason.WRONG_FORMAT));
        assertEquals(1, journaled().size());
    }

    @Test
    void shouldCountShortAndLongPackets()
    {
        final SpecPacket header = SpecPacket.header(2025, 6, SESSION_UID, 1f, 1, 1, PLAYER);
        assertFalse(adapter.onPacket(header.buffer(), 0, 28));
        final SpecPacket telemetry = telemetryPacket(2025, 1, 1, 100);
        assertFalse(adapter.onPacket(telemetry.buffer(), 0, telemetry.length() - 1));
        assertFalse(adapter.onPacket(telemetry.buffer(), 0, telemetry.length() + 1));
        assertFalse(adapter.onPacket(telemetry.buffer(), 0, 0));
        assertEquals(3, counters.drops(F1DropReason.TRUNCATED));
        assertEquals(1, counters.drops(F1DropReason.OVERSIZED));
        // The source goes on: a whole packet after the broken ones is decoded.
        assertTrue(send(telemetry));
        assertEquals(1, journaled().size());
    }

    @Test
    void shouldCountUnknownIdsAndIgnorePacketsItDoesNotDecode()
    {
        final SpecPacket unknown = SpecPacket.header(2025, 16, SESSION_UID, 1f, 1, 1, PLAYER).zeros(100);
        assertFalse(send(unknown));
        final SpecPacket participants = SpecPacket.header(2025, F1PacketDescriptor.PARTICIPANTS, SESSION_UID, 1f, 1, 1,
            PLAYER).zeros(1284 - 29);
        assertFalse(send(participants));
        assertEquals(1, counters.drops(F1DropReason.UNKNOWN_PACKET_ID));
        assertEquals(1, counters.get(F1UdpCounters.Total.PACKETS_IGNORED));
        assertTrue(journaled().isEmpty());
    }

    @Test
    void shouldDropAPacketOlderThanTheLastOfItsIdButFollowAFlashback()
    {
        assertTrue(send(telemetryPacket(2025, 100, 100, 100)));
        assertFalse(send(telemetryPacket(2025, 99, 99, 101)));
        // A flashback rewinds frameIdentifier but not overallFrameIdentifier: not out of order.
        assertTrue(send(telemetryPacket(2025, 50, 101, 102)));
        // Another packet id keeps its own order: lap data of an earlier game frame is still new to it.
        assertTrue(send(lapPacket(90, 90, 2, 0)));
        assertEquals(1, counters.drops(F1DropReason.OUT_OF_ORDER));
        final List<JournaledFrames.Frame> frames = journaled();
        assertEquals(3, frames.size());
        assertEquals(102.0, value(frames.get(1), F1Channel.SPEED));
    }

    @Test
    void shouldDropAPacketWhoseSessionTimeIsNotATimeOfASession()
    {
        for (final float time : new float[] {Float.NaN, Float.POSITIVE_INFINITY, -1f, 3.4e38f, -3.4e38f})
        {
            final SpecPacket packet = SpecPacket.header(2025, 6, SESSION_UID, time, 1, 1, PLAYER);
            appendTelemetryCars(packet, 100);
            assertFalse(send(packet), "session time " + time);
        }
        assertEquals(5, counters.drops(F1DropReason.BAD_TIME));
        assertTrue(journaled().isEmpty(), "no frame with a timestamp outside the contract's range");
    }

    @Test
    void shouldFollowTheStreamAgainAfterOneForgedHugeFrameNumber()
    {
        assertTrue(send(telemetryPacket(2025, 10, 10, 100)));
        assertTrue(send(telemetryPacket(2025, 11, 0xFFFF_FFFF, 101))); // forged: the last frame number there is
        long overall = 12;
        int dropped = 0;
        while (!send(telemetryPacket(2025, (int)overall, (int)overall, 102)))
        {
            dropped++;
            overall++;
            assertTrue(dropped <= 120, "still dropping after " + dropped + " packets");
        }
        assertEquals(119, dropped, "the stream's own numbers win after 120 packets in a row");
        assertTrue(send(telemetryPacket(2025, (int)overall + 1, (int)overall + 1, 103)));
    }

    @Test
    void shouldRefuseAPlayerIndexOutsideTheCars()
    {
        final SpecPacket packet = SpecPacket.header(2025, 6, SESSION_UID, 1f, 1, 1, 255);
        appendTelemetryCars(packet, 100);
        assertFalse(send(packet));
        assertEquals(1, counters.drops(F1DropReason.BAD_CAR_INDEX));
    }

    @Test
    void shouldStartANewSessionWhenTheSessionUidChanges()
    {
        assertTrue(send(telemetryPacket(2025, 5, 5, 100)));
        final SpecPacket next = SpecPacket.header(2025, 6, SESSION_UID + 1, 0.5f, 1, 1, PLAYER);
        appendTelemetryCars(next, 120);
        assertTrue(send(next));
        final List<JournaledFrames.Frame> frames = journaled();
        assertEquals(F1PacketAdapter.sessionId(SESSION_UID), frames.get(0).sessionId());
        assertEquals(F1PacketAdapter.sessionId(SESSION_UID + 1), frames.get(1).sessionId());
        assertEquals(0, frames.get(1).sequence()); // a new stream
    }

    @Test
    void shouldDropWhatTheGameSendsAfterItEndedTheSessionButStartTheNextOne()
    {
        assertTrue(send(telemetryPacket(2025, 5, 5, 100)));
        assertTrue(send(eventPacket(6, "SEND")));
        // The game goes on sending while it shows the results: not a second session with the same id.
        assertFalse(send(telemetryPacket(2025, 7, 7, 101)));
        assertEquals(1, counters.drops(F1DropReason.AFTER_SESSION_END));
        final SpecPacket next = SpecPacket.header(2025, 6, SESSION_UID + 1, 0.5f, 8, 8, PLAYER);
        appendTelemetryCars(next, 120);
        assertTrue(send(next));
        final List<JournaledFrames.Frame> frames = journaled();
        assertEquals(List.of(F1PacketAdapter.sessionId(SESSION_UID), F1PacketAdapter.sessionId(SESSION_UID),
            F1PacketAdapter.sessionId(SESSION_UID + 1)), frames.stream().map(JournaledFrames.Frame::sessionId).toList());
        assertEquals(List.of(0L, 1L, 0L), frames.stream().map(JournaledFrames.Frame::sequence).toList());
    }

    @Test
    void shouldDropAStragglerOfTheSessionBeforeWithoutEndingTheNewOne()
    {
        assertTrue(send(telemetryPacket(2025, 5, 5, 100)));
        final SpecPacket next = SpecPacket.header(2025, 6, SESSION_UID + 1, 0.5f, 1, 1, PLAYER);
        appendTelemetryCars(next, 120);
        assertTrue(send(next));
        assertFalse(send(telemetryPacket(2025, 6, 6, 101))); // late, from the first session
        final SpecPacket after = SpecPacket.header(2025, 6, SESSION_UID + 1, 0.6f, 2, 2, PLAYER);
        appendTelemetryCars(after, 121);
        assertTrue(send(after));
        assertEquals(1, counters.drops(F1DropReason.OUT_OF_ORDER));
        final List<JournaledFrames.Frame> frames = journaled();
        assertEquals(3, frames.size());
        assertEquals(F1PacketAdapter.sessionId(SESSION_UID + 1), frames.get(2).sessionId());
        assertEquals(1, frames.get(2).sequence(), "the new session's stream went on");
    }

    @Test
    void shouldWriteEveryActiveCarAsItsOwnSourceWhenAskedTo() throws Exception
    {
        pipeline.close();
        open(true);
        assertTrue(send(lapPacket(1, 1, 2, 0)));
        assertTrue(send(telemetryPacket(2025, 2, 2, 200)));
        final List<JournaledFrames.Frame> frames = journaled();
        // Lap data marks cars 0..21 active except car 21 (result status 1, inactive): 21 cars, two frames each.
        assertEquals(42, frames.size());
        assertEquals(21, frames.stream().mapToInt(JournaledFrames.Frame::sourceId).distinct().count());
        final JournaledFrames.Frame car7 = frames.stream().filter(f -> f.sourceId() == 7 && f.sequence() == 1)
            .findFirst().orElseThrow();
        assertEquals(204.0, value(car7, F1Channel.SPEED)); // 200 - player 3 + car 7
    }

    @Test
    void shouldWriteEveryActiveCarWhileSpectatingWhenAskedToButNoPlayersSessionOrEvent() throws Exception
    {
        pipeline.close();
        open(true);
        final SpecPacket lap = lapPacket(1, 1, 2, 0).spectating();
        final SpecPacket telemetry = telemetryPacket(2025, 2, 2, 200).spectating();
        final SpecPacket event = eventPacket(3, "FTLP").spectating();
        assertTrue(send(lap));
        assertTrue(send(telemetry));
        assertFalse(send(event));
        assertEquals(1, counters.drops(F1DropReason.BAD_CAR_INDEX));
        // The game's session end still ends the session, and what it sends after is not journaled.
        assertTrue(send(eventPacket(4, "SEND").spectating()));
        assertFalse(send(telemetryPacket(2025, 5, 5, 210).spectating()));
        assertEquals(1, counters.drops(F1DropReason.AFTER_SESSION_END));
        final List<JournaledFrames.Frame> frames = journaled();
        assertEquals(42, frames.size(), "21 active cars, a lap data and a telemetry frame each");
        assertEquals(21, frames.stream().mapToInt(JournaledFrames.Frame::sourceId).distinct().count());
    }

    @Test
    void shouldLeaveOutAValueOutsideTheDictionaryRange()
    {
        final SpecPacket packet = SpecPacket.header(2025, 6, SESSION_UID, 1f, 1, 1, PLAYER);
        for (int car = 0; car < 22; car++)
        {
            packet.telemetryCar(100, Float.NaN, 0f, 2.0f, 0, 3, 9_000, 0, 500, 90, 23.5f);
        }
        packet.u8(255).u8(255).u8(0);
        assertTrue(send(packet));
        final JournaledFrames.Frame frame = journaled().get(0);
        assertFalse(frame.values().containsKey(F1Channel.THROTTLE.id()));
        assertFalse(frame.values().containsKey(F1Channel.BRAKE.id())); // 200 %
        assertEquals(100.0, value(frame, F1Channel.SPEED));
        assertEquals(2, counters.get(F1UdpCounters.Total.SAMPLES_OUT_OF_RANGE));
    }

    /**
     * A packet all of whose values are left out would make a frame without samples, which the contract (and the
     * FrameWriter) refuses: it publishes no frame at all, and counts it dropped ({@code no_samples}), since its
     * sequence number stays unused: the next frame of the stream comes with a gap that a drop explains (before, no
     * drop was counted for it).
     */
    @Test
    void shouldPublishNoFrameWhenEveryValueIsOutsideTheDictionaryRange()
    {
        final SpecPacket packet = SpecPacket.header(2025, 0, SESSION_UID, 12.5f, 1, 1, PLAYER);
        for (int car = 0; car < 22; car++)
        {
            for (int i = 0; i < 6; i++)
            {
                packet.f32(Float.NaN);
            }
            for (int i = 0; i < 6; i++)
            {
                packet.u16(0);
            }
            for (int i = 0; i < 6; i++)
            {
                packet.f32(Float.NaN);
            }
        }
        assertTrue(send(packet));
        assertEquals(0, counters.get(F1UdpCounters.Total.FRAMES_PUBLISHED));
        assertEquals(12, counters.get(F1UdpCounters.Total.SAMPLES_OUT_OF_RANGE), "the motion frame's 12 values");
        assertEquals(1, counters.drops(F1DropReason.NO_SAMPLES));
        assertTrue(send(motionPacket(2)));
        final List<JournaledFrames.Frame> frames = journaled();
        assertEquals(1, frames.size());
        assertEquals(1, frames.get(0).sequence(), "the dropped frame's number is left unused");
        assertEquals(0, pipeline.counters().get(PipelineCounter.DROPPED_INVALID_PARAMETER), "nothing refused");
    }

    /**
     * A frame that finds the ring full is dropped, counted {@code ring_full}, and leaves its sequence number unused,
     * as every dropped frame does: the stream's gaps are exactly its counted drops. Before, the next frame took the
     * number, and the journaled stream showed no trace of the loss.
     */
    @Test
    void shouldLeaveTheNumberOfAFrameDroppedForAFullRingUnused() throws Exception
    {
        pipeline.close();
        final HeldThreads held = new HeldThreads();
        final Path journal = dir.resolve("held-journal");
        pipeline = TelemetryPipeline.builder().name("f1-held")
            .dictionary(ParameterRegistry.loadResource(F1Channel.DICTIONARY_RESOURCE))
            .manifest(Path.of(Objects.requireNonNull(getClass().getResource("/f1-passthrough.yaml")).getPath()))
            .config(PipelineConfig.builder().journalDirectory(journal).ackMode(AckMode.JOURNALED).channelCapacity(16)
                .build())
            .threadFactory(held)
            .build();
        counters = new F1UdpCounters();
        adapter = new F1PacketAdapter(pipeline, false, counters);
        int frame = 1;
        while (counters.drops(F1DropReason.RING_FULL) < 3)
        {
            assertTrue(frame < 100, "the held ring of 16 slots never filled");
            send(telemetryPacket(2025, frame, frame, 200));
            frame++;
        }
        held.release();
        Await.until("the ring has room again", () -> pipeline.remainingCapacity() > 0);
        assertTrue(send(telemetryPacket(2025, frame, frame, 200)));
        adapter.endSession();
        pipeline.close();
        closed = true;

        final List<Long> sequences = JournaledFrames.frames(journal).stream().map(JournaledFrames.Frame::sequence)
            .toList();
        final long last = sequences.get(sequences.size() - 1);
        assertEquals(3, last + 1 - sequences.size(), "gaps in " + sequences + " against 3 drops counted");
        assertEquals(frame - 1, last, "one number per telemetry packet, journaled or dropped: " + sequences);
    }

    /** One packet of each id the decoder decodes (the allocation test's workload). */
    static SpecPacket[] everyDecodedPacket()
    {
        return new SpecPacket[] { motionPacket(1), sessionPacket(1), lapPacket(1, 1, 3, 1), eventPacket(1, "SPTP"),
            telemetryPacket(2025, 1, 1, 250), statusPacket(1) };
    }

    private static double value(final JournaledFrames.Frame frame, final F1Channel channel)
    {
        final Double value = frame.values().get(channel.id());
        if (value == null)
        {
            throw new AssertionError(channel + " missing in " + frame);
        }
        return value;
    }

    private static SpecPacket telemetryPacket(final int format, final int frame, final int overall, final int speed)
    {
        final SpecPacket packet = SpecPacket.header(format, 6, SESSION_UID, 12.5f, frame, overall, PLAYER);
        appendTelemetryCars(packet, speed);
        return packet;
    }

    /** 22 cars, the player's with {@code playerSpeed}, car i with {@code playerSpeed - PLAYER + i}. */
    private static void appendTelemetryCars(final SpecPacket packet, final int playerSpeed)
    {
        for (int car = 0; car < 22; car++)
        {
            packet.telemetryCar(playerSpeed - PLAYER + car, 0.75f, -0.5f, 0.25f, 0, 7, 11_500, 1, 500, 90, 23.5f);
        }
        packet.u8(255).u8(255).u8(0); // MFD panels closed, no suggested gear
    }

    private static SpecPacket lapPacket(final int frame, final int overall, final int lap, final int sector)
    {
        final SpecPacket packet = SpecPacket.header(2025, 2, SESSION_UID, 12.5f, frame, overall, PLAYER);
        for (int car = 0; car < 22; car++)
        {
            packet.lapCar(83_456, 12_345, 61_001, 1520.25f, car + 1, lap, sector, car == 21 ? 1 : 2);
        }
        return packet.u8(255).u8(255);
    }

    private static SpecPacket motionPacket(final int frame)
    {
        final SpecPacket packet = SpecPacket.header(2025, 0, SESSION_UID, 12.5f, frame, frame, PLAYER);
        for (int car = 0; car < 22; car++)
        {
            packet.motionCar(car == PLAYER ? -512.25f : car, 3.25f, 0.5f);
        }
        return packet;
    }

    private static SpecPacket statusPacket(final int frame)
    {
        final SpecPacket packet = SpecPacket.header(2025, 7, SESSION_UID, 12.5f, frame, frame, PLAYER);
        for (int car = 0; car < 22; car++)
        {
            packet.statusCar(car == PLAYER ? 42.5f : 10f, 3_900_000f, 22);
        }
        return packet;
    }

    private static SpecPacket sessionPacket(final int frame)
    {
        final SpecPacket packet = SpecPacket.header(2025, 1, SESSION_UID, 12.5f, frame, frame, PLAYER);
        packet.u8(2).u8(-3).u8(18).u8(53).u16(5_793).u8(10).u8(11).u8(0).u16(3_000).u16(3_600).u8(80)
            .u8(0).u8(0).u8(0).u8(0).u8(0); // paused, spectating, spectator car, SLI Pro, marshal zones
        packet.zeros(21 * 5);
        packet.u8(2).u8(0).u8(0); // safety car status, network game, forecast samples
        packet.zeros(64 * 8);
        packet.zeros(2).u32(0).u32(0).u32(0).zeros(3).zeros(11).u32(0); // accuracy .. rule set, time of day
        packet.zeros(32); // session length .. affects licence level MP
        packet.u8(0).zeros(12); // sessions in weekend, weekend structure
        packet.f32(1_900.5f).f32(3_800.25f);
        return packet;
    }

    private static SpecPacket eventPacket(final int frame, final String code)
    {
        final SpecPacket packet = SpecPacket.header(2025, 3, SESSION_UID, 12.5f, frame, frame, PLAYER);
        for (int i = 0; i < 4; i++)
        {
            packet.u8(code.charAt(i));
        }
        packet.u8(7).f32(81.25f); // FastestLap: vehicle index, lap time (s)
        return packet.zeros(12 - 5);
    }

    @SuppressWarnings("unused")
    private static UnsafeBuffer wrap(final ByteBuffer bytes)
    {
        return new UnsafeBuffer(bytes);
    }
}
