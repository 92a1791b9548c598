package io.pitgun.replay.f1;

import io.pitgun.f1.F1EventCode;
import io.pitgun.f1.F1PacketEncoder;
import io.pitgun.replay.sim.CarSimulator;
import io.pitgun.replay.sim.Circuit;
import io.pitgun.replay.sim.SimChannel;
import org.agrona.concurrent.UnsafeBuffer;

import static io.pitgun.f1.F1PacketDescriptor.*;

/**
 * A deterministic F1 25 session as the game would send it, tick by tick at {@value #TICK_HZ} Hz: motion, car
 * telemetry, lap data and car status every tick, session every {@value #SESSION_EVERY_TICKS} ticks (2 Hz), and the
 * events {@code SSTA} at the start, {@code FTLP} when a car sets the session's fastest valid lap, {@code SEND} at the
 * end. Each car's first lap is its out-lap (lap data's driver status "out lap", then "flying lap"), and every
 * {@value #INVALID_LAP_EVERY}rd flying lap from its second is invalidated in its second sector (the game's
 * current-lap-invalid flag, as for exceeding track limits), so consumers see the game's lap kinds.
 * Each car is a {@link CarSimulator} (100 Hz physics) on the Monza-like circuit, sampled at the tick's session time;
 * one seed gives the same packets, byte for byte, every time (the round-trip test regenerates what was sent).
 * The player is car 0. Not thread-safe.
 */
public final class F1SessionPackets
{
    /** The game's highest send rate for telemetry, motion, lap data and car status. */
    public static final int TICK_HZ = 60;
    /** Session packets go out twice a second. */
    public static final int SESSION_EVERY_TICKS = TICK_HZ / 2;
    /** The player's car index. */
    public static final int PLAYER = 0;
    /** Cars start this far apart in time, so they spread along the lap. */
    private static final int STAGGER_STEPS = 60;
    private static final double KPA_TO_PSI = 0.1450377;
    private static final int MAX_RPM = 13_000;
    /** Flying laps 2, 5, 8, ... of each car (the simulator's lap numbers) are invalidated. */
    private static final int INVALID_LAP_EVERY = 3;
    /** Lap data's driver status: out lap, flying lap. */
    private static final int DRIVER_OUT_LAP = 3;
    private static final int DRIVER_FLYING_LAP = 1;
    // The simulator's corners are FL FR RL RR; the game's arrays are RL RR FL FR.
    private static final SimChannel[] BRAKE_TEMPS = { SimChannel.BRAKE_TEMP_RL, SimChannel.BRAKE_TEMP_RR,
        SimChannel.BRAKE_TEMP_FL, SimChannel.BRAKE_TEMP_FR };
    private static final SimChannel[] SURFACE_TEMPS = { SimChannel.TYRE_SURFACE_TEMP_RL,
        SimChannel.TYRE_SURFACE_TEMP_RR, SimChannel.TYRE_SURFACE_TEMP_FL, SimChannel.TYRE_SURFACE_TEMP_FR };
    private static final SimChannel[] INNER_TEMPS = { SimChannel.TYRE_INNER_TEMP_RL, SimChannel.TYRE_INNER_TEMP_RR,
        SimChannel.TYRE_INNER_TEMP_FL, SimChannel.TYRE_INNER_TEMP_FR };
    private static final SimChannel[] PRESSURES = { SimChannel.TYRE_PRESSURE_RL, SimChannel.TYRE_PRESSURE_RR,
        SimChannel.TYRE_PRESSURE_FL, SimChannel.TYRE_PRESSURE_FR };

    /** Receives each packet of a tick, in the order the game sends them. */
    @FunctionalInterface
    public interface PacketHandler
    {
        /** {@code buffer}'s first {@code length} bytes are the packet (valid during the call only). */
        void onPacket(UnsafeBuffer buffer, int length);
    }

    private final Circuit circuit = Circuit.monzaLike();
    private final CarSimulator[] cars;
    private final long[] startUs;
    private final int[] timedLaps;
    private final long durationTicks;
    private final long sessionUid;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MAX_PACKET_BYTES]);
    private double bestLapS = Double.MAX_VALUE;
    private long tick;

    /**
     * @param seed          seed of the cars' driver variation and noise; also the session's {@code sessionUID}.
     * @param carCount      cars on track, 1 to 22.
     * @param durationTicks ticks to send; the last one carries {@code SEND}.
     */
    public F1SessionPackets(final long seed, final int carCount, final long durationTicks)
    {
        if (carCount < 1 || carCount > MAX_CARS)
        {
            throw new IllegalArgumentException("cars: must be between 1 and " + MAX_CARS + ", got " + carCount);
        }
        if (durationTicks < 1)
        {
            throw new IllegalArgumentException("duration: at least one tick");
        }
        this.cars = new CarSimulator[carCount];
        this.startUs = new long[carCount];
        this.timedLaps = new int[carCount];
        this.durationTicks = durationTicks;
        this.sessionUid = seed;
        for (int car = 0; car < carCount; car++)
        {
            cars[car] = new CarSimulator(circuit, seed + car, 0);
            // The player starts last; the others already on their way, so the field spreads out.
            for (int i = 0; i < (carCount - 1 - car) * STAGGER_STEPS; i++)
            {
                cars[car].step();
            }
            startUs[car] = cars[car].timestampUs();
        }
    }

    /** The game's {@code sessionUID} of this session. */
    public long sessionUid()
    {
        return sessionUid;
    }

    /** Ticks sent so far. */
    public long tick()
    {
        return tick;
    }

    /** True once every tick was sent. */
    public boolean done()
    {
        return tick >= durationTicks;
    }

    /** The session time of the next tick, seconds. */
    public float sessionTime()
    {
        return (float)((double)tick / TICK_HZ);
    }

    /** Advances the cars to the next tick's session time and hands its packets to {@code handler}. */
    public void nextTick(final PacketHandler handler)
    {
        if (done())
        {
            throw new IllegalStateException("the session is over");
        }
        final long targetUs = tick * 1_000_000L / TICK_HZ;
        for (int car = 0; car < cars.length; car++)
        {
            while (cars[car].timestampUs() - startUs[car] < targetUs)
            {
                cars[car].step();
            }
        }
        final float time = sessionTime();
        if (tick == 0)
        {
            event(handler, time, F1EventCode.SESSION_STARTED, 255, 0f);
        }
        motion(handler, time);
        telemetry(handler, time);
        lapData(handler, time);
        status(handler, time);
        if (tick % SESSION_EVERY_TICKS == 0)
        {
            session(handler, time);
        }
        for (int car = 0; car < cars.length; car++)
        {
            final int completed = cars[car].completedLaps();
            if (completed > timedLaps[car])
            {
                timedLaps[car] = completed;
                final double lapS = cars[car].value(SimChannel.LAST_LAP_TIME);
                // An invalid lap is never the session's fastest, in the game as here.
                if (lapS > 0 && lapS < bestLapS && !invalidLap(completed))
                {
                    bestLapS = lapS;
                    event(handler, time, F1EventCode.FASTEST_LAP, car, (float)lapS);
                }
            }
        }
        if (tick == durationTicks - 1)
        {
            event(handler, time, F1EventCode.SESSION_ENDED, 255, 0f);
        }
        tick++;
    }

    private int header(final int packetId, final float time)
    {
        return F1PacketEncoder.header(buffer, packetId, sessionUid, time, tick, PLAYER);
    }

    private void motion(final PacketHandler handler, final float time)
    {
        final int length = header(MOTION, time);
        for (int car = 0; car < cars.length; car++)
        {
            final CarSimulator c = cars[car];
            final int o = carOffset(car, MOTION_CAR_LENGTH);
            final double distance = c.value(SimChannel.LAP_DISTANCE);
            final double heading = circuit.heading(distance < 0 ? distance + circuit.lengthM() : distance);
            final double speedMs = c.value(SimChannel.SPEED) / 3.6;
            buffer.putFloat(o + MOTION_WORLD_POSITION_X, (float)c.value(SimChannel.POSITION_X), ORDER);
            buffer.putFloat(o + MOTION_WORLD_POSITION_Y, (float)c.value(SimChannel.POSITION_Y), ORDER);
            buffer.putFloat(o + MOTION_WORLD_POSITION_Z, (float)c.value(SimChannel.POSITION_Z), ORDER);
            buffer.putFloat(o + MOTION_WORLD_VELOCITY_X, (float)(speedMs * StrictMath.cos(heading)), ORDER);
            buffer.putFloat(o + MOTION_WORLD_VELOCITY_Y, 0f, ORDER);
            buffer.putFloat(o + MOTION_WORLD_VELOCITY_Z, (float)(speedMs * StrictMath.sin(heading)), ORDER);
            buffer.putShort(o + MOTION_WORLD_FORWARD_DIR_X, (short)(32767 * StrictMath.cos(heading)), ORDER);
            buffer.putShort(o + MOTION_WORLD_FORWARD_DIR_X + 4, (short)(32767 * StrictMath.sin(heading)), ORDER);
            buffer.putFloat(o + MOTION_G_FORCE_LATERAL, (float)c.value(SimChannel.G_LATERAL), ORDER);
            buffer.putFloat(o + MOTION_G_FORCE_LONGITUDINAL, (float)c.value(SimChannel.G_LONGITUDINAL), ORDER);
            buffer.putFloat(o + MOTION_G_FORCE_VERTICAL, (float)c.value(SimChannel.G_VERTICAL), ORDER);
            buffer.putFloat(o + MOTION_YAW, (float)(heading > StrictMath.PI ? heading - 2 * StrictMath.PI : heading),
                ORDER);
            buffer.putFloat(o + MOTION_PITCH, (float)StrictMath.toRadians(c.value(SimChannel.PITCH_ANGLE)), ORDER);
            buffer.putFloat(o + MOTION_ROLL, (float)StrictMath.toRadians(c.value(SimChannel.ROLL_ANGLE)), ORDER);
        }
        handler.onPacket(buffer, length);
    }

    private void telemetry(final PacketHandler handler, final float time)
    {
        final int length = header(CAR_TELEMETRY, time);
        for (int car = 0; car < cars.length; car++)
        {
            final CarSimulator c = cars[car];
            final int o = carOffset(car, TELEMETRY_CAR_LENGTH);
            final double rpm = c.value(SimChannel.ENGINE_RPM);
            buffer.putShort(o + TELEMETRY_SPEED, (short)StrictMath.round(c.value(SimChannel.SPEED)), ORDER);
            buffer.putFloat(o + TELEMETRY_THROTTLE, (float)(c.value(SimChannel.THROTTLE_POSITION) / 100.0), ORDER);
            buffer.putFloat(o + TELEMETRY_STEER,
                (float)StrictMath.max(-1.0, StrictMath.min(1.0, c.value(SimChannel.STEERING_ANGLE) / 180.0)), ORDER);
            buffer.putFloat(o + TELEMETRY_BRAKE, (float)(c.value(SimChannel.BRAKE_PEDAL) / 100.0), ORDER);
            buffer.putByte(o + TELEMETRY_CLUTCH, (byte)StrictMath.round(c.value(SimChannel.CLUTCH_POSITION)));
            buffer.putByte(o + TELEMETRY_GEAR, (byte)c.value(SimChannel.GEAR));
            buffer.putShort(o + TELEMETRY_ENGINE_RPM, (short)StrictMath.round(rpm), ORDER);
            buffer.putByte(o + TELEMETRY_DRS, (byte)c.value(SimChannel.DRS_OPEN));
            buffer.putByte(o + TELEMETRY_REV_LIGHTS_PERCENT, (byte)StrictMath.min(100, StrictMath.round(
                StrictMath.max(0, rpm - 9_000) / (MAX_RPM - 9_000) * 100)));
            for (int w = 0; w < 4; w++)
            {
                buffer.putShort(o + TELEMETRY_BRAKES_TEMPERATURE + 2 * w,
                    (short)StrictMath.round(c.value(BRAKE_TEMPS[w])), ORDER);
                buffer.putByte(o + TELEMETRY_TYRES_SURFACE_TEMPERATURE + w, (byte)clampU8(c.value(SURFACE_TEMPS[w])));
                buffer.putByte(o + TELEMETRY_TYRES_INNER_TEMPERATURE + w, (byte)clampU8(c.value(INNER_TEMPS[w])));
                buffer.putFloat(o + TELEMETRY_TYRES_PRESSURE + 4 * w, (float)(c.value(PRESSURES[w]) * KPA_TO_PSI),
                    ORDER);
            }
            buffer.putShort(o + TELEMETRY_ENGINE_TEMPERATURE,
                (short)StrictMath.round(c.value(SimChannel.ENGINE_WATER_TEMP)), ORDER);
        }
        final int trailer = carOffset(MAX_CARS, TELEMETRY_CAR_LENGTH);
        buffer.putByte(trailer, (byte)255); // MFD closed
        buffer.putByte(trailer + 1, (byte)255);
        handler.onPacket(buffer, length);
    }

    private void lapData(final PacketHandler handler, final float time)
    {
        final int length = header(LAP_DATA, time);
        for (int car = 0; car < cars.length; car++)
        {
            final CarSimulator c = cars[car];
            final int o = carOffset(car, LAP_CAR_LENGTH);
            final double distance = c.value(SimChannel.LAP_DISTANCE);
            final int simLap = c.lapNumber();
            final int sector = c.sector() - 1;
            buffer.putInt(o + LAP_LAST_LAP_TIME_MS, (int)StrictMath.round(c.value(SimChannel.LAST_LAP_TIME) * 1000),
                ORDER);
            buffer.putInt(o + LAP_CURRENT_LAP_TIME_MS, (int)StrictMath.round(c.value(SimChannel.LAP_TIME) * 1000),
                ORDER);
            if (sector >= 1)
            {
                F1PacketEncoder.minutesAndMs(buffer, o + LAP_SECTOR1_TIME_MINUTES_PART, o + LAP_SECTOR1_TIME_MS_PART,
                    StrictMath.round(c.value(SimChannel.SECTOR1_TIME) * 1000));
            }
            if (sector >= 2)
            {
                F1PacketEncoder.minutesAndMs(buffer, o + LAP_SECTOR2_TIME_MINUTES_PART, o + LAP_SECTOR2_TIME_MS_PART,
                    StrictMath.round(c.value(SimChannel.SECTOR2_TIME) * 1000));
            }
            buffer.putFloat(o + LAP_DISTANCE, (float)distance, ORDER);
            buffer.putFloat(o + LAP_TOTAL_DISTANCE, (float)totalDistance(car), ORDER);
            buffer.putByte(o + LAP_CAR_POSITION, (byte)position(car));
            // The game counts laps from 1; the simulator's out-lap is its lap 0.
            buffer.putByte(o + LAP_CURRENT_LAP_NUM, (byte)(simLap + 1));
            buffer.putByte(o + LAP_SECTOR, (byte)sector);
            buffer.putByte(o + LAP_GRID_POSITION, (byte)(cars.length - car));
            buffer.putByte(o + LAP_CURRENT_LAP_INVALID, (byte)(invalidLap(simLap) && sector >= 1 ? 1 : 0));
            buffer.putByte(o + LAP_DRIVER_STATUS, (byte)(simLap == 0 ? DRIVER_OUT_LAP : DRIVER_FLYING_LAP));
            buffer.putByte(o + LAP_RESULT_STATUS, (byte)2); // active
            buffer.putByte(o + LAP_SPEED_TRAP_FASTEST_LAP, (byte)255);
        }
        final int trailer = carOffset(MAX_CARS, LAP_CAR_LENGTH);
        buffer.putByte(trailer, (byte)255);
        buffer.putByte(trailer + 1, (byte)255);
        handler.onPacket(buffer, length);
    }

    /** Whether the simulator's lap {@code simLap} (0 the out-lap) is one the session invalidates. */
    public static boolean invalidLap(final int simLap)
    {
        return simLap >= 2 && (simLap - 2) % INVALID_LAP_EVERY == 0;
    }

    private double totalDistance(final int car)
    {
        return cars[car].lapNumber() * circuit.lengthM() + cars[car].value(SimChannel.LAP_DISTANCE);
    }

    private int position(final int car)
    {
        final double mine = totalDistance(car);
        int position = 1;
        for (int other = 0; other < cars.length; other++)
        {
            if (other != car && totalDistance(other) > mine)
            {
                position++;
            }
        }
        return position;
    }

    private void status(final PacketHandler handler, final float time)
    {
        final int length = header(CAR_STATUS, time);
        for (int car = 0; car < cars.length; car++)
        {
            final CarSimulator c = cars[car];
            final int o = carOffset(car, STATUS_CAR_LENGTH);
            final double powerW = c.value(SimChannel.TORQUE_NM) * c.value(SimChannel.ENGINE_RPM) * 2 * StrictMath.PI / 60;
            buffer.putByte(o + STATUS_FUEL_MIX, (byte)1);
            buffer.putByte(o + STATUS_FRONT_BRAKE_BIAS, (byte)StrictMath.round(c.value(SimChannel.BRAKE_BIAS)));
            buffer.putFloat(o + STATUS_FUEL_IN_TANK, (float)c.value(SimChannel.FUEL_MASS), ORDER);
            buffer.putFloat(o + STATUS_FUEL_CAPACITY, 110f, ORDER);
            buffer.putFloat(o + STATUS_FUEL_REMAINING_LAPS, (float)c.value(SimChannel.FUEL_REMAINING_LAPS), ORDER);
            buffer.putShort(o + STATUS_MAX_RPM, (short)MAX_RPM, ORDER);
            buffer.putShort(o + STATUS_IDLE_RPM, (short)4_000, ORDER);
            buffer.putByte(o + STATUS_MAX_GEARS, (byte)8);
            buffer.putByte(o + STATUS_DRS_ALLOWED, (byte)c.value(SimChannel.DRS_AVAILABLE));
            buffer.putByte(o + STATUS_ACTUAL_TYRE_COMPOUND, (byte)18); // C3
            buffer.putByte(o + STATUS_VISUAL_TYRE_COMPOUND, (byte)17); // medium
            buffer.putByte(o + STATUS_TYRES_AGE_LAPS, (byte)c.lapNumber());
            buffer.putFloat(o + STATUS_ENGINE_POWER_ICE, (float)StrictMath.max(0, powerW), ORDER);
            buffer.putFloat(o + STATUS_ENGINE_POWER_MGUK, (float)(c.value(SimChannel.MGUK_POWER) * 1000), ORDER);
            buffer.putFloat(o + STATUS_ERS_STORE_ENERGY, (float)(c.value(SimChannel.ERS_STORE_ENERGY) * 1000), ORDER);
            buffer.putByte(o + STATUS_ERS_DEPLOY_MODE, (byte)c.value(SimChannel.ERS_DEPLOY_MODE));
            buffer.putFloat(o + STATUS_ERS_HARVESTED_THIS_LAP_MGUK,
                (float)(c.value(SimChannel.ERS_HARVESTED_LAP) * 1000), ORDER);
            buffer.putFloat(o + STATUS_ERS_DEPLOYED_THIS_LAP, (float)(c.value(SimChannel.ERS_DEPLOYED_LAP) * 1000),
                ORDER);
        }
        handler.onPacket(buffer, length);
    }

    private void session(final PacketHandler handler, final float time)
    {
        final int length = header(SESSION, time);
        final CarSimulator player = cars[PLAYER];
        final long durationS = (durationTicks + TICK_HZ - 1) / TICK_HZ;
        buffer.putByte(SESSION_WEATHER, (byte)1); // light cloud
        buffer.putByte(SESSION_TRACK_TEMPERATURE, (byte)StrictMath.round(player.value(SimChannel.TRACK_TEMP)));
        buffer.putByte(SESSION_AIR_TEMPERATURE, (byte)StrictMath.round(player.value(SimChannel.AIR_TEMP)));
        buffer.putShort(SESSION_TRACK_LENGTH, (short)StrictMath.round(circuit.lengthM()), ORDER);
        buffer.putByte(SESSION_TYPE, (byte)1); // practice 1
        buffer.putByte(SESSION_TRACK_ID, (byte)11); // Monza
        buffer.putShort(SESSION_TIME_LEFT, (short)StrictMath.max(0, durationS - (long)time), ORDER);
        buffer.putShort(SESSION_DURATION, (short)durationS, ORDER);
        buffer.putByte(SESSION_PIT_SPEED_LIMIT, (byte)80);
        buffer.putByte(SESSION_NUM_MARSHAL_ZONES, (byte)0);
        buffer.putFloat(SESSION_SECTOR2_LAP_DISTANCE_START, (float)circuit.sectorStartM(2), ORDER);
        buffer.putFloat(SESSION_SECTOR3_LAP_DISTANCE_START, (float)circuit.sectorStartM(3), ORDER);
        handler.onPacket(buffer, length);
    }

    private void event(final PacketHandler handler, final float time, final int code, final int vehicle,
        final float value)
    {
        final int length = header(EVENT, time);
        buffer.putInt(EVENT_STRING_CODE, code, ORDER);
        if (code == F1EventCode.FASTEST_LAP)
        {
            buffer.putByte(EVENT_DETAILS, (byte)vehicle);
            buffer.putFloat(EVENT_DETAILS + 1, value, ORDER);
        }
        handler.onPacket(buffer, length);
    }

    private static int clampU8(final double value)
    {
        return (int)StrictMath.max(0, StrictMath.min(255, StrictMath.round(value)));
    }
}
