package io.pitgun.f1;

import java.nio.ByteOrder;

/**
 * The layout of the F1 25 game's UDP packets (EA's "F1 25 UDP specification", packet format 2025), stated once:
 * every offset the decoder reads and the simulator writes is here. The structs are packed (no padding) and
 * little-endian. Only the packets Pitgun decodes are spelled out; every size is checked by a test against the
 * specification's own totals.
 *
 * <pre>
 * Header (29 bytes), first in every packet              offset size
 *   packetFormat           u16  2025 (2024: F1 24)          0    2
 *   gameYear               u8   25                          2    1
 *   gameMajorVersion       u8                               3    1
 *   gameMinorVersion       u8                               4    1
 *   packetVersion          u8                               5    1
 *   packetId               u8   0..15                       6    1
 *   sessionUID             u64                              7    8
 *   sessionTime            f32  seconds                    15    4
 *   frameIdentifier        u32  goes back on a flashback   19    4
 *   overallFrameIdentifier u32  never goes back            23    4
 *   playerCarIndex         u8   0..21                      27    1
 *   secondaryPlayerCarIndex u8  255: none                  28    1
 *
 * Per-car packets: header, then 22 car blocks of a fixed stride, then a short trailer.
 *   Motion (0)        29 + 22 x 60            = 1349
 *   Session (1)       29 + 724 (one block)    =  753
 *   Lap data (2)      29 + 22 x 57 + 2        = 1285
 *   Event (3)         29 + 4 code + 12 union  =   45
 *   Car telemetry (6) 29 + 22 x 60 + 3        = 1352
 *   Car status (7)    29 + 22 x 55            = 1239
 * </pre>
 *
 * Wheel arrays are in the game's order: rear left, rear right, front left, front right.
 */
public final class F1PacketDescriptor
{
    /** Every field is little-endian. */
    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** {@code packetFormat} of F1 25. */
    public static final int FORMAT_2025 = 2025;
    /** {@code packetFormat} of F1 24, whose six decoded packets have the same layout (docs/f1.md). */
    public static final int FORMAT_2024 = 2024;
    /** Cars in every per-car array. */
    public static final int MAX_CARS = 22;
    /** A UDP datagram larger than this is not an F1 packet (the largest, session history, is 1460 bytes). */
    public static final int MAX_PACKET_BYTES = 2048;

    /** Packet ids. */
    public static final int MOTION = 0;
    public static final int SESSION = 1;
    public static final int LAP_DATA = 2;
    public static final int EVENT = 3;
    public static final int PARTICIPANTS = 4;
    public static final int CAR_SETUPS = 5;
    public static final int CAR_TELEMETRY = 6;
    public static final int CAR_STATUS = 7;
    public static final int FINAL_CLASSIFICATION = 8;
    public static final int LOBBY_INFO = 9;
    public static final int CAR_DAMAGE = 10;
    public static final int SESSION_HISTORY = 11;
    public static final int TYRE_SETS = 12;
    public static final int MOTION_EX = 13;
    public static final int TIME_TRIAL = 14;
    public static final int LAP_POSITIONS = 15;
    /** Packet ids are below this. */
    public static final int PACKET_ID_COUNT = 16;

    // Header.
    public static final int PACKET_FORMAT = 0;
    public static final int GAME_YEAR = 2;
    public static final int GAME_MAJOR_VERSION = 3;
    public static final int GAME_MINOR_VERSION = 4;
    public static final int PACKET_VERSION = 5;
    public static final int PACKET_ID = 6;
    public static final int SESSION_UID = 7;
    public static final int SESSION_TIME = 15;
    public static final int FRAME_IDENTIFIER = 19;
    public static final int OVERALL_FRAME_IDENTIFIER = 23;
    public static final int PLAYER_CAR_INDEX = 27;
    public static final int SECONDARY_PLAYER_CAR_INDEX = 28;
    public static final int HEADER_LENGTH = 29;

    // Motion: CarMotionData, per car.
    public static final int MOTION_CAR_LENGTH = 60;
    public static final int MOTION_WORLD_POSITION_X = 0;
    public static final int MOTION_WORLD_POSITION_Y = 4;
    public static final int MOTION_WORLD_POSITION_Z = 8;
    public static final int MOTION_WORLD_VELOCITY_X = 12;
    public static final int MOTION_WORLD_VELOCITY_Y = 16;
    public static final int MOTION_WORLD_VELOCITY_Z = 20;
    /** Six i16 directions (forward XYZ, right XYZ), normalised by 32767. */
    public static final int MOTION_WORLD_FORWARD_DIR_X = 24;
    public static final int MOTION_G_FORCE_LATERAL = 36;
    public static final int MOTION_G_FORCE_LONGITUDINAL = 40;
    public static final int MOTION_G_FORCE_VERTICAL = 44;
    public static final int MOTION_YAW = 48;
    public static final int MOTION_PITCH = 52;
    public static final int MOTION_ROLL = 56;
    public static final int MOTION_LENGTH = HEADER_LENGTH + MAX_CARS * MOTION_CAR_LENGTH;

    // Session: one block after the header (offsets from the packet's start).
    public static final int SESSION_WEATHER = 29;
    public static final int SESSION_TRACK_TEMPERATURE = 30;
    public static final int SESSION_AIR_TEMPERATURE = 31;
    public static final int SESSION_TOTAL_LAPS = 32;
    public static final int SESSION_TRACK_LENGTH = 33;
    public static final int SESSION_TYPE = 35;
    public static final int SESSION_TRACK_ID = 36;
    public static final int SESSION_FORMULA = 37;
    public static final int SESSION_TIME_LEFT = 38;
    public static final int SESSION_DURATION = 40;
    public static final int SESSION_PIT_SPEED_LIMIT = 42;
    public static final int SESSION_NUM_MARSHAL_ZONES = 47;
    /** 21 marshal zones of 5 bytes (f32 start, i8 flag). */
    public static final int SESSION_MARSHAL_ZONES = 48;
    public static final int SESSION_SAFETY_CAR_STATUS = 153;
    public static final int SESSION_NETWORK_GAME = 154;
    public static final int SESSION_NUM_WEATHER_FORECAST_SAMPLES = 155;
    /** 64 forecast samples of 8 bytes. */
    public static final int SESSION_WEATHER_FORECAST_SAMPLES = 156;
    public static final int SESSION_FORECAST_ACCURACY = 668;
    public static final int SESSION_NUM_SESSIONS_IN_WEEKEND = 732;
    public static final int SESSION_SECTOR2_LAP_DISTANCE_START = 745;
    public static final int SESSION_SECTOR3_LAP_DISTANCE_START = 749;
    public static final int SESSION_LENGTH = 753;

    // Lap data: LapData, per car.
    public static final int LAP_CAR_LENGTH = 57;
    public static final int LAP_LAST_LAP_TIME_MS = 0;
    public static final int LAP_CURRENT_LAP_TIME_MS = 4;
    public static final int LAP_SECTOR1_TIME_MS_PART = 8;
    public static final int LAP_SECTOR1_TIME_MINUTES_PART = 10;
    public static final int LAP_SECTOR2_TIME_MS_PART = 11;
    public static final int LAP_SECTOR2_TIME_MINUTES_PART = 13;
    public static final int LAP_DELTA_TO_CAR_IN_FRONT_MS_PART = 14;
    public static final int LAP_DELTA_TO_CAR_IN_FRONT_MINUTES_PART = 16;
    public static final int LAP_DELTA_TO_RACE_LEADER_MS_PART = 17;
    public static final int LAP_DELTA_TO_RACE_LEADER_MINUTES_PART = 19;
    public static final int LAP_DISTANCE = 20;
    public static final int LAP_TOTAL_DISTANCE = 24;
    public static final int LAP_SAFETY_CAR_DELTA = 28;
    public static final int LAP_CAR_POSITION = 32;
    public static final int LAP_CURRENT_LAP_NUM = 33;
    public static final int LAP_PIT_STATUS = 34;
    public static final int LAP_NUM_PIT_STOPS = 35;
    public static final int LAP_SECTOR = 36;
    public static final int LAP_CURRENT_LAP_INVALID = 37;
    public static final int LAP_PENALTIES = 38;
    public static final int LAP_GRID_POSITION = 43;
    public static final int LAP_DRIVER_STATUS = 44;
    public static final int LAP_RESULT_STATUS = 45;
    public static final int LAP_SPEED_TRAP_FASTEST_SPEED = 52;
    public static final int LAP_SPEED_TRAP_FASTEST_LAP = 56;
    /** After the 22 cars: time-trial PB and rival car indexes (u8 each). */
    public static final int LAP_TRAILER_LENGTH = 2;
    public static final int LAP_DATA_LENGTH = HEADER_LENGTH + MAX_CARS * LAP_CAR_LENGTH + LAP_TRAILER_LENGTH;

    // Event: four ASCII letters, then a 12-byte union whose meaning the letters give.
    public static final int EVENT_STRING_CODE = 29;
    public static final int EVENT_DETAILS = 33;
    public static final int EVENT_DETAILS_LENGTH = 12;
    public static final int EVENT_LENGTH = EVENT_DETAILS + EVENT_DETAILS_LENGTH;

    // Car telemetry: CarTelemetryData, per car.
    public static final int TELEMETRY_CAR_LENGTH = 60;
    public static final int TELEMETRY_SPEED = 0;
    public static final int TELEMETRY_THROTTLE = 2;
    public static final int TELEMETRY_STEER = 6;
    public static final int TELEMETRY_BRAKE = 10;
    public static final int TELEMETRY_CLUTCH = 14;
    public static final int TELEMETRY_GEAR = 15;
    public static final int TELEMETRY_ENGINE_RPM = 16;
    public static final int TELEMETRY_DRS = 18;
    public static final int TELEMETRY_REV_LIGHTS_PERCENT = 19;
    public static final int TELEMETRY_REV_LIGHTS_BIT_VALUE = 20;
    /** u16 x 4, RL RR FL FR. */
    public static final int TELEMETRY_BRAKES_TEMPERATURE = 22;
    /** u8 x 4. */
    public static final int TELEMETRY_TYRES_SURFACE_TEMPERATURE = 30;
    /** u8 x 4. */
    public static final int TELEMETRY_TYRES_INNER_TEMPERATURE = 34;
    public static final int TELEMETRY_ENGINE_TEMPERATURE = 38;
    /** f32 x 4. */
    public static final int TELEMETRY_TYRES_PRESSURE = 40;
    /** u8 x 4. */
    public static final int TELEMETRY_SURFACE_TYPE = 56;
    /** After the 22 cars: MFD panel, secondary player's MFD panel (u8), suggested gear (i8). */
    public static final int TELEMETRY_TRAILER_LENGTH = 3;
    public static final int CAR_TELEMETRY_LENGTH = HEADER_LENGTH + MAX_CARS * TELEMETRY_CAR_LENGTH +
        TELEMETRY_TRAILER_LENGTH;

    // Car status: CarStatusData, per car.
    public static final int STATUS_CAR_LENGTH = 55;
    public static final int STATUS_TRACTION_CONTROL = 0;
    public static final int STATUS_ANTI_LOCK_BRAKES = 1;
    public static final int STATUS_FUEL_MIX = 2;
    public static final int STATUS_FRONT_BRAKE_BIAS = 3;
    public static final int STATUS_PIT_LIMITER = 4;
    public static final int STATUS_FUEL_IN_TANK = 5;
    public static final int STATUS_FUEL_CAPACITY = 9;
    public static final int STATUS_FUEL_REMAINING_LAPS = 13;
    public static final int STATUS_MAX_RPM = 17;
    public static final int STATUS_IDLE_RPM = 19;
    public static final int STATUS_MAX_GEARS = 21;
    public static final int STATUS_DRS_ALLOWED = 22;
    public static final int STATUS_DRS_ACTIVATION_DISTANCE = 23;
    public static final int STATUS_ACTUAL_TYRE_COMPOUND = 25;
    public static final int STATUS_VISUAL_TYRE_COMPOUND = 26;
    public static final int STATUS_TYRES_AGE_LAPS = 27;
    public static final int STATUS_VEHICLE_FIA_FLAGS = 28;
    public static final int STATUS_ENGINE_POWER_ICE = 29;
    public static final int STATUS_ENGINE_POWER_MGUK = 33;
    public static final int STATUS_ERS_STORE_ENERGY = 37;
    public static final int STATUS_ERS_DEPLOY_MODE = 41;
    public static final int STATUS_ERS_HARVESTED_THIS_LAP_MGUK = 42;
    public static final int STATUS_ERS_HARVESTED_THIS_LAP_MGUH = 46;
    public static final int STATUS_ERS_DEPLOYED_THIS_LAP = 50;
    public static final int STATUS_NETWORK_PAUSED = 54;
    public static final int CAR_STATUS_LENGTH = HEADER_LENGTH + MAX_CARS * STATUS_CAR_LENGTH;

    private static final int[] LENGTHS = new int[PACKET_ID_COUNT];

    static
    {
        java.util.Arrays.fill(LENGTHS, -1);
        LENGTHS[MOTION] = MOTION_LENGTH;
        LENGTHS[SESSION] = SESSION_LENGTH;
        LENGTHS[LAP_DATA] = LAP_DATA_LENGTH;
        LENGTHS[EVENT] = EVENT_LENGTH;
        LENGTHS[CAR_TELEMETRY] = CAR_TELEMETRY_LENGTH;
        LENGTHS[CAR_STATUS] = CAR_STATUS_LENGTH;
    }

    private F1PacketDescriptor()
    {
    }

    /** The length of a packet Pitgun decodes, or -1 for the ids it ignores (and ids out of range). */
    public static int lengthOf(final int packetId)
    {
        return packetId >= 0 && packetId < PACKET_ID_COUNT ? LENGTHS[packetId] : -1;
    }

    /** Where car {@code carIndex}'s block starts in a per-car packet whose blocks are {@code stride} long. */
    public static int carOffset(final int carIndex, final int stride)
    {
        return HEADER_LENGTH + carIndex * stride;
    }
}
