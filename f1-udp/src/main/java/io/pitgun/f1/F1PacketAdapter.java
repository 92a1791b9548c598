package io.pitgun.f1;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.dictionary.ParameterTable;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.engine.FrameRejectedException;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.TelemetryPipeline;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.pitgun.f1.F1PacketDescriptor.*;

/**
 * Decodes F1 25 UDP packets (and F1 24's, whose decoded packets have the same layout) and writes their values as
 * frames of the {@code f1-25.v1} dictionary straight into the pipeline's ring slots, one stream per car. Reads the
 * datagram in place at {@link F1PacketDescriptor}'s offsets; allocation-free per packet (a new session allocates
 * its cars' writers once). Not thread-safe: one thread feeds it ({@link F1UdpSource}'s, or an embedder's).
 * <p>
 * What becomes what:
 * <ul>
 *   <li>session: the header's {@code sessionUID} (a new one ends the cars' streams of the old one and starts new
 *       ones: {@code SessionStart} / {@code SessionEnd}; so does the {@code SEND} event); the frame's session id is
 *       {@link #sessionId(long)};</li>
 *   <li>stream: source id = the car's index (0..21), producer {@link #PRODUCER_ID}; the player's car only, or every
 *       car lap data calls active ({@code resultStatus} 2 or more) with {@code allCars};</li>
 *   <li>time: {@code timestampUs} = the session's anchor + {@code sessionTime} in µs, the anchor being the wall
 *       clock at the session's first packet minus its session time: frames keep the game's own spacing;</li>
 *   <li>lap and sector of every frame: the car's latest lap data ({@code currentLapNum}, {@code sector});</li>
 *   <li>one frame per car per decoded packet: car telemetry, lap data, motion, car status; session and event
 *       packets give one frame on the player's car.</li>
 * </ul>
 * A packet that is truncated, too long, of another format, of an unknown id, older than the last of its id
 * ({@code overallFrameIdentifier}, which a flashback does not rewind), of a session replaced or ended by the game,
 * or without a valid player car is dropped and counted by {@link F1DropReason}; a value outside the dictionary
 * range leaves its sample out, counted.
 */
public final class F1PacketAdapter
{
    /** The producer id of every frame the source writes. */
    public static final UUID PRODUCER_ID = new UUID(0xF1F1F1F1_0000_8000L, 0x8000_0000_0000_0F25L);
    /** High half of every session id; the low half is the game's {@code sessionUID}. */
    public static final long SESSION_ID_MSB = 0xF1F1F1F1_0000_8000L;

    private static final Logger LOG = LoggerFactory.getLogger(F1PacketAdapter.class);
    private static final String SESSION_LABEL = "f1 udp";
    private static final int NO_LAP = -1;
    /** The longest session time believed, in seconds: a day (a race weekend's longest session is hours). */
    private static final float MAX_SESSION_TIME_S = 86_400f;
    /** Out-of-order packets of one id in a row after which the stream's own frame numbers are followed again. */
    private static final int RESYNC_AFTER = 120;
    /**
     * Packets in a row of a replaced session (none of the new one between them) that take it back: not
     * stragglers, which a network delivers one or two at a time behind the new session's first packet, but the game
     * still sending it, and the "new" session one stray or forged datagram of another id. Few, since each is lost.
     */
    public static final int SESSION_TAKE_BACK_AFTER = 8;
    /**
     * Sessions replaced while they ran that are remembered, newest first, with their sequences: a packet of one is
     * a straggler, or one of {@link #SESSION_TAKE_BACK_AFTER} that take it back, never a new session whose streams
     * would start again at sequence 0 (two stray datagrams of two other ids made the game's session such a one).
     */
    public static final int REPLACED_SESSIONS = 4;

    private final TelemetryPipeline pipeline;
    private final ParameterTable table;
    private final boolean allCars;
    private final F1UdpCounters counters;
    private final FrameWriter[] writers = new FrameWriter[MAX_CARS];
    /** The current session's next sequence per car. */
    private final long[] sequences = new long[MAX_CARS];
    /** The {@link #REPLACED_SESSIONS} ids and next sequences per car, newest first; {@link #replacedCount} used. */
    private final long[] replacedUids = new long[REPLACED_SESSIONS];
    private final long[][] replacedSequences = new long[REPLACED_SESSIONS][MAX_CARS];
    private int replacedCount;
    /** A replaced session's sequences while it is taken back. */
    private final long[] takenBackSequences = new long[MAX_CARS];
    private final int[] laps = new int[MAX_CARS];
    private final int[] sectors = new int[MAX_CARS];
    private final boolean[] active = new boolean[MAX_CARS];
    private final long[] lastOverallFrame = new long[PACKET_ID_COUNT];
    /** Packets in a row of each id below {@link #lastOverallFrame}: {@link #RESYNC_AFTER} of them resynchronise. */
    private final int[] outOfOrderInARow = new int[PACKET_ID_COUNT];
    private boolean inSession;
    /**
     * The game said {@code SEND} for {@link #endedBySendUid}: its later packets are dropped, not a new session, also
     * once the next session runs (a straggler of the results screen must not reopen an ended session).
     */
    private boolean endedBySend;
    private long endedBySendUid;
    private long sessionUid;
    /** Packets in a row of the replaced session {@link #stragglerUid}; {@link #SESSION_TAKE_BACK_AFTER} take it back */
    private int stragglersInARow;
    private long stragglerUid;
    private UUID sessionId;
    private long anchorUs;
    private long timestampUs;
    /** The packet being decoded, and where it starts. */
    private DirectBuffer buffer;
    private int offset;
    /** The writer of the frame being filled. */
    private FrameWriter current;
    /** Samples put into the current frame: a frame whose every value was left out is not published (it has none). */
    private int samplesInFrame;

    /**
     * @param pipeline the pipeline to write into; its dictionary must hold every {@link F1Channel} with its id.
     * @param allCars  every active car as its own stream, not only the player's.
     * @param counters where packets, frames and drops are counted.
     * @throws IllegalArgumentException naming each channel the pipeline's dictionary lacks or numbers otherwise.
     */
    public F1PacketAdapter(final TelemetryPipeline pipeline, final boolean allCars, final F1UdpCounters counters)
    {
        requireChannels(pipeline.dictionary());
        this.pipeline = pipeline;
        this.table = ParameterTable.of(pipeline.dictionary());
        this.allCars = allCars;
        this.counters = counters;
    }

    /** Checks that {@code dictionary} holds every channel the decoder writes, under the same id. */
    public static void requireChannels(final ParameterRegistry dictionary)
    {
        final List<String> problems = new ArrayList<>();
        for (final F1Channel channel : F1Channel.values())
        {
            final io.pitgun.codecs.dictionary.ParameterDefinition definition = dictionary.byName(channel.channelName());
            final int id = definition == null ? -1 : definition.id();
            if (id != channel.id())
            {
                problems.add(channel.channelName() + (id < 0 ? " is missing" : " has id " + id + ", not " + channel.id()));
            }
        }
        if (!problems.isEmpty())
        {
            throw new IllegalArgumentException("dictionary " + dictionary.name() + " cannot take the F1 UDP source's " +
                "frames (use " + F1Channel.DICTIONARY_NAME + "): " + String.join("; ", problems));
        }
    }

    /** The session id of the frames of the game's session {@code sessionUid}. */
    public static UUID sessionId(final long sessionUid)
    {
        return new UUID(SESSION_ID_MSB, sessionUid);
    }

    /**
     * Decodes one datagram of {@code length} bytes at {@code offset} and publishes its frames.
     *
     * @return true when it was decoded into frames; false when it was dropped (counted) or ignored.
     */
    public boolean onPacket(final DirectBuffer buffer, final int offset, final int length)
    {
        counters.increment(F1UdpCounters.Total.PACKETS_RECEIVED);
        if (length < HEADER_LENGTH)
        {
            return drop(F1DropReason.TRUNCATED);
        }
        final int format = buffer.getShort(offset + PACKET_FORMAT, ORDER) & 0xFFFF;
        if (format != FORMAT_2025 && format != FORMAT_2024)
        {
            return drop(F1DropReason.WRONG_FORMAT);
        }
        final int packetId = buffer.getByte(offset + PACKET_ID) & 0xFF;
        if (packetId >= PACKET_ID_COUNT)
        {
            return drop(F1DropReason.UNKNOWN_PACKET_ID);
        }
        final int expected = lengthOf(packetId);
        if (expected < 0)
        {
            if (length > MAX_PACKET_BYTES)
            {
                return drop(F1DropReason.OVERSIZED);
            }
            counters.increment(F1UdpCounters.Total.PACKETS_IGNORED);
            return false;
        }
        if (length < expected)
        {
            return drop(F1DropReason.TRUNCATED);
        }
        if (length > expected)
        {
            return drop(F1DropReason.OVERSIZED);
        }
        final int player = buffer.getByte(offset + PLAYER_CAR_INDEX) & 0xFF;
        // Spectating (255): there is no player's car, but with allCars a packet of every car still has each car's
        // data; the session and event packets, which would go on the player's car, have no car to go on, except
        // that the game's session end (SEND) still ends the session.
        if (player >= MAX_CARS && !(allCars && (perCar(packetId) || sessionEnded(packetId, buffer, offset))))
        {
            return drop(F1DropReason.BAD_CAR_INDEX);
        }
        final long uid = buffer.getLong(offset + SESSION_UID, ORDER);
        final float sessionTime = buffer.getFloat(offset + SESSION_TIME, ORDER);
        if (!(sessionTime >= 0f && sessionTime <= MAX_SESSION_TIME_S)) // false for NaN too
        {
            return drop(F1DropReason.BAD_TIME);
        }
        if (endedBySend && uid == endedBySendUid)
        {
            return drop(F1DropReason.AFTER_SESSION_END);
        }
        if (!inSession || uid != sessionUid)
        {
            final int replaced = replacedIndex(uid);
            if (replaced >= 0)
            {
                stragglersInARow = uid == stragglerUid ? stragglersInARow + 1 : 1;
                stragglerUid = uid;
                if (stragglersInARow < SESSION_TAKE_BACK_AFTER)
                {
                    // A straggler of a replaced session: it must not end the one that replaced it.
                    return drop(F1DropReason.OUT_OF_ORDER);
                }
                // Not stragglers: the replaced session is the game's, and what replaced it was a stray or forged
                // datagram of another id, which would otherwise have stopped the game's session for good.
                LOG.warn("F1 UDP session {}: {} packets in a row after session {} replaced it; taking it back",
                    Long.toUnsignedString(uid), SESSION_TAKE_BACK_AFTER, Long.toUnsignedString(sessionUid));
            }
            startSession(uid, sessionTime, replaced);
        }
        stragglersInARow = 0;
        final long overall = buffer.getInt(offset + OVERALL_FRAME_IDENTIFIER, ORDER) & 0xFFFF_FFFFL;
        if (overall < lastOverallFrame[packetId])
        {
            // One forged datagram with a huge overallFrameIdentifier would otherwise make every later packet of its
            // id "out of order" until the session changes: after RESYNC_AFTER in a row, the stream's own numbers win.
            if (++outOfOrderInARow[packetId] < RESYNC_AFTER)
            {
                return drop(F1DropReason.OUT_OF_ORDER);
            }
            LOG.warn("F1 UDP packet id {}: {} packets in a row below frame {}; following the stream again from {}",
                packetId, RESYNC_AFTER, lastOverallFrame[packetId], overall);
        }
        outOfOrderInARow[packetId] = 0;
        lastOverallFrame[packetId] = overall;
        this.buffer = buffer;
        this.offset = offset;
        this.timestampUs = anchorUs + Math.round(sessionTime * 1e6);
        try
        {
            decode(packetId, player);
        }
        catch (final IllegalStateException ex)
        {
            // The pipeline is closing under the source: nothing more can be published.
            LOG.debug("F1 UDP frame refused: {}", ex.getMessage());
            return drop(F1DropReason.PIPELINE_REFUSED);
        }
        counters.increment(F1UdpCounters.Total.PACKETS_DECODED);
        return true;
    }

    /** Ends the streams of the current session ({@code SessionEnd} per car started); the source's close calls it. */
    public void endSession()
    {
        if (!inSession)
        {
            return;
        }
        for (int car = 0; car < MAX_CARS; car++)
        {
            if (writers[car] != null)
            {
                writers[car].sessionEnd(timestampUs, SESSION_LABEL);
                writers[car] = null;
            }
        }
        inSession = false;
    }

    /**
     * @param resumed the {@link #replacedUids} index of a replaced session taken back (its streams go on with their
     *                sequences), or -1 for a new session.
     */
    private void startSession(final long uid, final float sessionTime, final int resumed)
    {
        if (resumed >= 0)
        {
            // Copied out first: remembering the current session below may reuse the forgotten one's array.
            System.arraycopy(forgetReplaced(resumed), 0, takenBackSequences, 0, MAX_CARS);
        }
        if (inSession)
        {
            rememberReplaced(sessionUid);
        }
        if (resumed >= 0)
        {
            System.arraycopy(takenBackSequences, 0, sequences, 0, MAX_CARS);
        }
        else
        {
            java.util.Arrays.fill(sequences, 0L);
        }
        endSession();
        inSession = true;
        sessionUid = uid;
        sessionId = sessionId(uid); // cold: once per session
        anchorUs = System.currentTimeMillis() * 1000L - Math.round(sessionTime * 1e6);
        java.util.Arrays.fill(lastOverallFrame, -1L);
        java.util.Arrays.fill(outOfOrderInARow, 0);
        java.util.Arrays.fill(laps, NO_LAP);
        java.util.Arrays.fill(sectors, NO_LAP);
        java.util.Arrays.fill(active, false);
    }

    /** Where {@code uid} is among the replaced sessions, or -1. */
    private int replacedIndex(final long uid)
    {
        for (int i = 0; i < replacedCount; i++)
        {
            if (replacedUids[i] == uid)
            {
                return i;
            }
        }
        return -1;
    }

    /** Remembers the current session as the newest replaced one (the oldest is forgotten when all are used). */
    private void rememberReplaced(final long uid)
    {
        final long[] reused = replacedSequences[REPLACED_SESSIONS - 1];
        for (int i = REPLACED_SESSIONS - 1; i > 0; i--)
        {
            replacedUids[i] = replacedUids[i - 1];
            replacedSequences[i] = replacedSequences[i - 1];
        }
        replacedUids[0] = uid;
        replacedSequences[0] = reused;
        System.arraycopy(sequences, 0, reused, 0, MAX_CARS);
        replacedCount = Math.min(replacedCount + 1, REPLACED_SESSIONS);
    }

    /** Forgets the replaced session at {@code index}; returns its sequences, valid until the next remember. */
    private long[] forgetReplaced(final int index)
    {
        final long[] freed = replacedSequences[index];
        for (int i = index; i < replacedCount - 1; i++)
        {
            replacedUids[i] = replacedUids[i + 1];
            replacedSequences[i] = replacedSequences[i + 1];
        }
        replacedCount--;
        replacedSequences[replacedCount] = freed;
        return freed;
    }

    private void decode(final int packetId, final int player)
    {
        switch (packetId)
        {
            case CAR_TELEMETRY:
                for (int car = firstCar(player); car <= lastCar(player); car++)
                {
                    if (wanted(car, player))
                    {
                        telemetry(car, offset + carOffset(car, TELEMETRY_CAR_LENGTH));
                    }
                }
                break;
            case LAP_DATA:
                for (int car = 0; car < MAX_CARS; car++)
                {
                    // Lap and sector are kept for every car: the other packets' frames carry them.
                    final int o = offset + carOffset(car, LAP_CAR_LENGTH);
                    laps[car] = buffer.getByte(o + LAP_CURRENT_LAP_NUM) & 0xFF;
                    final int sector = buffer.getByte(o + LAP_SECTOR) & 0xFF;
                    sectors[car] = sector <= 2 ? sector : NO_LAP;
                    active[car] = (buffer.getByte(o + LAP_RESULT_STATUS) & 0xFF) >= 2;
                }
                for (int car = firstCar(player); car <= lastCar(player); car++)
                {
                    if (wanted(car, player))
                    {
                        lapData(car, offset + carOffset(car, LAP_CAR_LENGTH));
                    }
                }
                break;
            case MOTION:
                for (int car = firstCar(player); car <= lastCar(player); car++)
                {
                    if (wanted(car, player))
                    {
                        motion(car, offset + carOffset(car, MOTION_CAR_LENGTH));
                    }
                }
                break;
            case CAR_STATUS:
                for (int car = firstCar(player); car <= lastCar(player); car++)
                {
                    if (wanted(car, player))
                    {
                        status(car, offset + carOffset(car, STATUS_CAR_LENGTH));
                    }
                }
                break;
            case SESSION:
                session(player);
                break;
            case EVENT:
                event(player);
                break;
            default:
                throw new IllegalStateException("packet id " + packetId + " has a length but no decoder");
        }
    }

    /** Whether the packet is an event packet saying {@code SEND}. */
    private static boolean sessionEnded(final int packetId, final DirectBuffer buffer, final int offset)
    {
        return packetId == EVENT && buffer.getInt(offset + EVENT_STRING_CODE, ORDER) == F1EventCode.SESSION_ENDED;
    }

    /** Whether packet id {@code packetId} holds every car's data (the others are the player's session or event). */
    private static boolean perCar(final int packetId)
    {
        return packetId == CAR_TELEMETRY || packetId == LAP_DATA || packetId == MOTION || packetId == CAR_STATUS;
    }

    private int firstCar(final int player)
    {
        return allCars ? 0 : player;
    }

    private int lastCar(final int player)
    {
        return allCars ? MAX_CARS - 1 : player;
    }

    private boolean wanted(final int car, final int player)
    {
        return car == player || active[car];
    }

    private void telemetry(final int car, final int o)
    {
        final DirectBuffer b = buffer;
        if (!begin(car))
        {
            return;
        }
        put(F1Channel.SPEED, b.getShort(o + TELEMETRY_SPEED, ORDER) & 0xFFFF);
        put(F1Channel.THROTTLE, b.getFloat(o + TELEMETRY_THROTTLE, ORDER) * 100.0);
        put(F1Channel.BRAKE, b.getFloat(o + TELEMETRY_BRAKE, ORDER) * 100.0);
        put(F1Channel.STEER, b.getFloat(o + TELEMETRY_STEER, ORDER));
        put(F1Channel.CLUTCH, b.getByte(o + TELEMETRY_CLUTCH) & 0xFF);
        put(F1Channel.GEAR, b.getByte(o + TELEMETRY_GEAR));
        put(F1Channel.ENGINE_RPM, b.getShort(o + TELEMETRY_ENGINE_RPM, ORDER) & 0xFFFF);
        putFlag(F1Channel.DRS, b.getByte(o + TELEMETRY_DRS));
        put(F1Channel.REV_LIGHTS_PERCENT, b.getByte(o + TELEMETRY_REV_LIGHTS_PERCENT) & 0xFF);
        for (int w = 0; w < 4; w++)
        {
            put(F1Channel.BRAKE_TEMP_RL.id() + w, b.getShort(o + TELEMETRY_BRAKES_TEMPERATURE + 2 * w, ORDER) & 0xFFFF);
        }
        for (int w = 0; w < 4; w++)
        {
            put(F1Channel.TYRE_SURFACE_TEMP_RL.id() + w, b.getByte(o + TELEMETRY_TYRES_SURFACE_TEMPERATURE + w) & 0xFF);
        }
        for (int w = 0; w < 4; w++)
        {
            put(F1Channel.TYRE_INNER_TEMP_RL.id() + w, b.getByte(o + TELEMETRY_TYRES_INNER_TEMPERATURE + w) & 0xFF);
        }
        put(F1Channel.ENGINE_TEMP, b.getShort(o + TELEMETRY_ENGINE_TEMPERATURE, ORDER) & 0xFFFF);
        for (int w = 0; w < 4; w++)
        {
            put(F1Channel.TYRE_PRESSURE_RL.id() + w, b.getFloat(o + TELEMETRY_TYRES_PRESSURE + 4 * w, ORDER));
        }
        commit();
    }

    private void lapData(final int car, final int o)
    {
        final DirectBuffer b = buffer;
        if (!begin(car))
        {
            return;
        }
        put(F1Channel.LAST_LAP_TIME, b.getInt(o + LAP_LAST_LAP_TIME_MS, ORDER) & 0xFFFF_FFFFL);
        put(F1Channel.CURRENT_LAP_TIME, b.getInt(o + LAP_CURRENT_LAP_TIME_MS, ORDER) & 0xFFFF_FFFFL);
        put(F1Channel.SECTOR1_TIME, minutesAndMs(o + LAP_SECTOR1_TIME_MINUTES_PART, o + LAP_SECTOR1_TIME_MS_PART));
        put(F1Channel.SECTOR2_TIME, minutesAndMs(o + LAP_SECTOR2_TIME_MINUTES_PART, o + LAP_SECTOR2_TIME_MS_PART));
        put(F1Channel.DELTA_TO_CAR_IN_FRONT, minutesAndMs(o + LAP_DELTA_TO_CAR_IN_FRONT_MINUTES_PART,
            o + LAP_DELTA_TO_CAR_IN_FRONT_MS_PART));
        put(F1Channel.DELTA_TO_RACE_LEADER, minutesAndMs(o + LAP_DELTA_TO_RACE_LEADER_MINUTES_PART,
            o + LAP_DELTA_TO_RACE_LEADER_MS_PART));
        put(F1Channel.LAP_DISTANCE, b.getFloat(o + LAP_DISTANCE, ORDER));
        put(F1Channel.TOTAL_DISTANCE, b.getFloat(o + LAP_TOTAL_DISTANCE, ORDER));
        put(F1Channel.CAR_POSITION, b.getByte(o + LAP_CAR_POSITION) & 0xFF);
        put(F1Channel.CURRENT_LAP, b.getByte(o + LAP_CURRENT_LAP_NUM) & 0xFF);
        put(F1Channel.SECTOR, b.getByte(o + LAP_SECTOR) & 0xFF);
        put(F1Channel.PIT_STATUS, b.getByte(o + LAP_PIT_STATUS) & 0xFF);
        put(F1Channel.NUM_PIT_STOPS, b.getByte(o + LAP_NUM_PIT_STOPS) & 0xFF);
        putFlag(F1Channel.LAP_INVALID, b.getByte(o + LAP_CURRENT_LAP_INVALID));
        put(F1Channel.PENALTIES, b.getByte(o + LAP_PENALTIES) & 0xFF);
        put(F1Channel.DRIVER_STATUS, b.getByte(o + LAP_DRIVER_STATUS) & 0xFF);
        put(F1Channel.RESULT_STATUS, b.getByte(o + LAP_RESULT_STATUS) & 0xFF);
        commit();
    }

    private long minutesAndMs(final int minutesAt, final int msAt)
    {
        return (buffer.getByte(minutesAt) & 0xFF) * 60_000L + (buffer.getShort(msAt, ORDER) & 0xFFFF);
    }

    private void motion(final int car, final int o)
    {
        final DirectBuffer b = buffer;
        if (!begin(car))
        {
            return;
        }
        put(F1Channel.WORLD_POSITION_X, b.getFloat(o + MOTION_WORLD_POSITION_X, ORDER));
        put(F1Channel.WORLD_POSITION_Y, b.getFloat(o + MOTION_WORLD_POSITION_Y, ORDER));
        put(F1Channel.WORLD_POSITION_Z, b.getFloat(o + MOTION_WORLD_POSITION_Z, ORDER));
        put(F1Channel.WORLD_VELOCITY_X, b.getFloat(o + MOTION_WORLD_VELOCITY_X, ORDER));
        put(F1Channel.WORLD_VELOCITY_Y, b.getFloat(o + MOTION_WORLD_VELOCITY_Y, ORDER));
        put(F1Channel.WORLD_VELOCITY_Z, b.getFloat(o + MOTION_WORLD_VELOCITY_Z, ORDER));
        put(F1Channel.G_LATERAL, b.getFloat(o + MOTION_G_FORCE_LATERAL, ORDER));
        put(F1Channel.G_LONGITUDINAL, b.getFloat(o + MOTION_G_FORCE_LONGITUDINAL, ORDER));
        put(F1Channel.G_VERTICAL, b.getFloat(o + MOTION_G_FORCE_VERTICAL, ORDER));
        put(F1Channel.YAW, b.getFloat(o + MOTION_YAW, ORDER));
        put(F1Channel.PITCH, b.getFloat(o + MOTION_PITCH, ORDER));
        put(F1Channel.ROLL, b.getFloat(o + MOTION_ROLL, ORDER));
        commit();
    }

    private void status(final int car, final int o)
    {
        final DirectBuffer b = buffer;
        if (!begin(car))
        {
            return;
        }
        put(F1Channel.TRACTION_CONTROL, b.getByte(o + STATUS_TRACTION_CONTROL) & 0xFF);
        putFlag(F1Channel.ABS, b.getByte(o + STATUS_ANTI_LOCK_BRAKES));
        put(F1Channel.FUEL_MIX, b.getByte(o + STATUS_FUEL_MIX) & 0xFF);
        put(F1Channel.FRONT_BRAKE_BIAS, b.getByte(o + STATUS_FRONT_BRAKE_BIAS) & 0xFF);
        putFlag(F1Channel.PIT_LIMITER, b.getByte(o + STATUS_PIT_LIMITER));
        put(F1Channel.FUEL_IN_TANK, b.getFloat(o + STATUS_FUEL_IN_TANK, ORDER));
        put(F1Channel.FUEL_CAPACITY, b.getFloat(o + STATUS_FUEL_CAPACITY, ORDER));
        put(F1Channel.FUEL_REMAINING_LAPS, b.getFloat(o + STATUS_FUEL_REMAINING_LAPS, ORDER));
        put(F1Channel.MAX_RPM, b.getShort(o + STATUS_MAX_RPM, ORDER) & 0xFFFF);
        putFlag(F1Channel.DRS_ALLOWED, b.getByte(o + STATUS_DRS_ALLOWED));
        put(F1Channel.ACTUAL_TYRE_COMPOUND, b.getByte(o + STATUS_ACTUAL_TYRE_COMPOUND) & 0xFF);
        put(F1Channel.VISUAL_TYRE_COMPOUND, b.getByte(o + STATUS_VISUAL_TYRE_COMPOUND) & 0xFF);
        put(F1Channel.TYRE_AGE_LAPS, b.getByte(o + STATUS_TYRES_AGE_LAPS) & 0xFF);
        put(F1Channel.FIA_FLAG, b.getByte(o + STATUS_VEHICLE_FIA_FLAGS));
        put(F1Channel.ENGINE_POWER_ICE, b.getFloat(o + STATUS_ENGINE_POWER_ICE, ORDER));
        put(F1Channel.ENGINE_POWER_MGUK, b.getFloat(o + STATUS_ENGINE_POWER_MGUK, ORDER));
        put(F1Channel.ERS_STORE_ENERGY, b.getFloat(o + STATUS_ERS_STORE_ENERGY, ORDER));
        put(F1Channel.ERS_DEPLOY_MODE, b.getByte(o + STATUS_ERS_DEPLOY_MODE) & 0xFF);
        put(F1Channel.ERS_HARVESTED_LAP_MGUK, b.getFloat(o + STATUS_ERS_HARVESTED_THIS_LAP_MGUK, ORDER));
        put(F1Channel.ERS_HARVESTED_LAP_MGUH, b.getFloat(o + STATUS_ERS_HARVESTED_THIS_LAP_MGUH, ORDER));
        put(F1Channel.ERS_DEPLOYED_LAP, b.getFloat(o + STATUS_ERS_DEPLOYED_THIS_LAP, ORDER));
        commit();
    }

    private void session(final int player)
    {
        final DirectBuffer b = buffer;
        final int o = offset;
        if (!begin(player))
        {
            return;
        }
        put(F1Channel.WEATHER, b.getByte(o + SESSION_WEATHER) & 0xFF);
        put(F1Channel.TRACK_TEMP, b.getByte(o + SESSION_TRACK_TEMPERATURE));
        put(F1Channel.AIR_TEMP, b.getByte(o + SESSION_AIR_TEMPERATURE));
        put(F1Channel.TOTAL_LAPS, b.getByte(o + SESSION_TOTAL_LAPS) & 0xFF);
        put(F1Channel.TRACK_LENGTH, b.getShort(o + SESSION_TRACK_LENGTH, ORDER) & 0xFFFF);
        put(F1Channel.SESSION_TYPE, b.getByte(o + F1PacketDescriptor.SESSION_TYPE) & 0xFF);
        put(F1Channel.TRACK_ID, b.getByte(o + SESSION_TRACK_ID));
        put(F1Channel.SESSION_TIME_LEFT, b.getShort(o + F1PacketDescriptor.SESSION_TIME_LEFT, ORDER) & 0xFFFF);
        put(F1Channel.SESSION_DURATION, b.getShort(o + F1PacketDescriptor.SESSION_DURATION, ORDER) & 0xFFFF);
        put(F1Channel.PIT_SPEED_LIMIT, b.getByte(o + SESSION_PIT_SPEED_LIMIT) & 0xFF);
        put(F1Channel.SAFETY_CAR_STATUS, b.getByte(o + SESSION_SAFETY_CAR_STATUS) & 0xFF);
        put(F1Channel.SECTOR2_START, b.getFloat(o + SESSION_SECTOR2_LAP_DISTANCE_START, ORDER));
        put(F1Channel.SECTOR3_START, b.getFloat(o + SESSION_SECTOR3_LAP_DISTANCE_START, ORDER));
        commit();
    }

    private void event(final int player)
    {
        final DirectBuffer b = buffer;
        final int code = b.getInt(offset + EVENT_STRING_CODE, ORDER);
        final int d = offset + EVENT_DETAILS;
        int vehicle = 255;
        double value = 0;
        switch (code)
        {
            case F1EventCode.FASTEST_LAP:
                vehicle = b.getByte(d) & 0xFF;
                value = b.getFloat(d + 1, ORDER);
                break;
            case F1EventCode.SPEED_TRAP:
                vehicle = b.getByte(d) & 0xFF;
                value = b.getFloat(d + 1, ORDER);
                break;
            case F1EventCode.RETIREMENT:
            case F1EventCode.TEAM_MATE_IN_PITS:
            case F1EventCode.RACE_WINNER:
            case F1EventCode.DRIVE_THROUGH_SERVED:
            case F1EventCode.STOP_GO_SERVED:
            case F1EventCode.OVERTAKE:
            case F1EventCode.COLLISION:
                vehicle = b.getByte(d) & 0xFF;
                break;
            case F1EventCode.PENALTY:
                vehicle = b.getByte(d + 2) & 0xFF;
                value = b.getByte(d + 4) & 0xFF;
                break;
            case F1EventCode.START_LIGHTS:
                value = b.getByte(d) & 0xFF;
                break;
            default:
                break;
        }
        if (player < MAX_CARS && begin(player)) // a spectator's SEND has no car to go on
        {
            put(F1Channel.EVENT_CODE, code & 0xFFFF_FFFFL);
            put(F1Channel.EVENT_VEHICLE, vehicle);
            put(F1Channel.EVENT_VALUE, value);
            commit();
        }
        if (code == F1EventCode.SESSION_ENDED)
        {
            endSession();
            endedBySend = true;
            endedBySendUid = sessionUid;
        }
    }

    private boolean begin(final int car)
    {
        FrameWriter writer = writers[car];
        if (writer == null)
        {
            // Cold: a car's first frame in a session.
            writer = pipeline.newFrameWriter(sessionId, PRODUCER_ID, car);
            writers[car] = writer;
            writer.sessionStart(timestampUs, SESSION_LABEL);
        }
        final long sequence = sequences[car]++;
        if (!writer.tryBegin(sequence, timestampUs))
        {
            // Its number stays unused, as every dropped frame's: a gap in the stream is a frame lost and counted.
            // Before, the next frame took it, and a reader of the stream could not see the loss.
            counters.dropped(F1DropReason.RING_FULL);
            return false;
        }
        current = writer;
        samplesInFrame = 0;
        if (laps[car] != NO_LAP)
        {
            writer.lapNumber(laps[car]);
        }
        if (sectors[car] != NO_LAP)
        {
            writer.sector(sectors[car]);
        }
        return true;
    }

    private void put(final F1Channel channel, final double value)
    {
        put(channel.id(), value);
    }

    private void put(final int id, final double value)
    {
        // The range as the writer checks it: on the value as stored (an f32 channel's narrowed to float).
        if (table.inRange(id, FrameDescriptor.storedValue(table.valueType(id), value)))
        {
            current.putDouble(id, value);
            samplesInFrame++;
        }
        else
        {
            counters.increment(F1UdpCounters.Total.SAMPLES_OUT_OF_RANGE);
        }
    }

    private void putFlag(final F1Channel channel, final byte value)
    {
        current.putBoolean(channel.id(), value != 0);
        samplesInFrame++;
    }

    private void commit()
    {
        if (samplesInFrame == 0)
        {
            // Every value was out of range (counted as such): a frame has 1 to 256 samples, so there is none to send.
            // Dropped as a frame too: its sequence number stays unused, and a gap must be a counted drop.
            current.abort();
            current = null;
            counters.dropped(F1DropReason.NO_SAMPLES);
            return;
        }
        try
        {
            current.commit();
        }
        catch (final FrameRejectedException refused)
        {
            // Outside a tuning policy's reject limit: the pipeline dropped the frame and counted it by its reason.
            // Only this car's frame: the packet's other cars go on. Not logged, as a car over a limit is every frame.
            current = null;
            counters.dropped(F1DropReason.FRAME_REFUSED);
            return;
        }
        current = null;
        counters.increment(F1UdpCounters.Total.FRAMES_PUBLISHED);
    }

    private boolean drop(final F1DropReason reason)
    {
        counters.dropped(reason);
        return false;
    }
}
