package io.pitgun.f1;

/**
 * The channels of the shipped dictionary {@code f1-25.v1} ({@value #DICTIONARY_RESOURCE}) the decoder writes: each
 * with its id in that dictionary. A test checks that the two agree; the dictionary says unit, type and range.
 */
public enum F1Channel
{
    SPEED(1, "Speed"),
    THROTTLE(2, "Throttle"),
    BRAKE(3, "Brake"),
    STEER(4, "Steer"),
    CLUTCH(5, "Clutch"),
    GEAR(6, "Gear"),
    ENGINE_RPM(7, "Engine_RPM"),
    DRS(8, "DRS"),
    REV_LIGHTS_PERCENT(9, "Rev_Lights_Percent"),
    BRAKE_TEMP_RL(10, "Brake_Temp_RL"),
    BRAKE_TEMP_RR(11, "Brake_Temp_RR"),
    BRAKE_TEMP_FL(12, "Brake_Temp_FL"),
    BRAKE_TEMP_FR(13, "Brake_Temp_FR"),
    TYRE_SURFACE_TEMP_RL(14, "Tyre_Surface_Temp_RL"),
    TYRE_SURFACE_TEMP_RR(15, "Tyre_Surface_Temp_RR"),
    TYRE_SURFACE_TEMP_FL(16, "Tyre_Surface_Temp_FL"),
    TYRE_SURFACE_TEMP_FR(17, "Tyre_Surface_Temp_FR"),
    TYRE_INNER_TEMP_RL(18, "Tyre_Inner_Temp_RL"),
    TYRE_INNER_TEMP_RR(19, "Tyre_Inner_Temp_RR"),
    TYRE_INNER_TEMP_FL(20, "Tyre_Inner_Temp_FL"),
    TYRE_INNER_TEMP_FR(21, "Tyre_Inner_Temp_FR"),
    ENGINE_TEMP(22, "Engine_Temp"),
    TYRE_PRESSURE_RL(23, "Tyre_Pressure_RL"),
    TYRE_PRESSURE_RR(24, "Tyre_Pressure_RR"),
    TYRE_PRESSURE_FL(25, "Tyre_Pressure_FL"),
    TYRE_PRESSURE_FR(26, "Tyre_Pressure_FR"),
    LAST_LAP_TIME(27, "Last_Lap_Time"),
    CURRENT_LAP_TIME(28, "Current_Lap_Time"),
    SECTOR1_TIME(29, "Sector1_Time"),
    SECTOR2_TIME(30, "Sector2_Time"),
    DELTA_TO_CAR_IN_FRONT(31, "Delta_To_Car_In_Front"),
    DELTA_TO_RACE_LEADER(32, "Delta_To_Race_Leader"),
    LAP_DISTANCE(33, "Lap_Distance"),
    TOTAL_DISTANCE(34, "Total_Distance"),
    CAR_POSITION(35, "Car_Position"),
    CURRENT_LAP(36, "Current_Lap"),
    SECTOR(37, "Sector"),
    PIT_STATUS(38, "Pit_Status"),
    NUM_PIT_STOPS(39, "Num_Pit_Stops"),
    LAP_INVALID(40, "Lap_Invalid"),
    PENALTIES(41, "Penalties"),
    DRIVER_STATUS(42, "Driver_Status"),
    RESULT_STATUS(43, "Result_Status"),
    WORLD_POSITION_X(44, "World_Position_X"),
    WORLD_POSITION_Y(45, "World_Position_Y"),
    WORLD_POSITION_Z(46, "World_Position_Z"),
    WORLD_VELOCITY_X(47, "World_Velocity_X"),
    WORLD_VELOCITY_Y(48, "World_Velocity_Y"),
    WORLD_VELOCITY_Z(49, "World_Velocity_Z"),
    G_LATERAL(50, "G_Lateral"),
    G_LONGITUDINAL(51, "G_Longitudinal"),
    G_VERTICAL(52, "G_Vertical"),
    YAW(53, "Yaw"),
    PITCH(54, "Pitch"),
    ROLL(55, "Roll"),
    TRACTION_CONTROL(56, "Traction_Control"),
    ABS(57, "ABS"),
    FUEL_MIX(58, "Fuel_Mix"),
    FRONT_BRAKE_BIAS(59, "Front_Brake_Bias"),
    PIT_LIMITER(60, "Pit_Limiter"),
    FUEL_IN_TANK(61, "Fuel_In_Tank"),
    FUEL_CAPACITY(62, "Fuel_Capacity"),
    FUEL_REMAINING_LAPS(63, "Fuel_Remaining_Laps"),
    MAX_RPM(64, "Max_RPM"),
    DRS_ALLOWED(65, "DRS_Allowed"),
    ACTUAL_TYRE_COMPOUND(66, "Actual_Tyre_Compound"),
    VISUAL_TYRE_COMPOUND(67, "Visual_Tyre_Compound"),
    TYRE_AGE_LAPS(68, "Tyre_Age_Laps"),
    FIA_FLAG(69, "FIA_Flag"),
    ENGINE_POWER_ICE(70, "Engine_Power_ICE"),
    ENGINE_POWER_MGUK(71, "Engine_Power_MGUK"),
    ERS_STORE_ENERGY(72, "ERS_Store_Energy"),
    ERS_DEPLOY_MODE(73, "ERS_Deploy_Mode"),
    ERS_HARVESTED_LAP_MGUK(74, "ERS_Harvested_Lap_MGUK"),
    ERS_HARVESTED_LAP_MGUH(75, "ERS_Harvested_Lap_MGUH"),
    ERS_DEPLOYED_LAP(76, "ERS_Deployed_Lap"),
    WEATHER(77, "Weather"),
    TRACK_TEMP(78, "Track_Temp"),
    AIR_TEMP(79, "Air_Temp"),
    TOTAL_LAPS(80, "Total_Laps"),
    TRACK_LENGTH(81, "Track_Length"),
    SESSION_TYPE(82, "Session_Type"),
    TRACK_ID(83, "Track_Id"),
    SESSION_TIME_LEFT(84, "Session_Time_Left"),
    SESSION_DURATION(85, "Session_Duration"),
    PIT_SPEED_LIMIT(86, "Pit_Speed_Limit"),
    SAFETY_CAR_STATUS(87, "Safety_Car_Status"),
    SECTOR2_START(88, "Sector2_Start"),
    SECTOR3_START(89, "Sector3_Start"),
    EVENT_CODE(90, "Event_Code"),
    EVENT_VEHICLE(91, "Event_Vehicle"),
    EVENT_VALUE(92, "Event_Value");

    /** Classpath location of the dictionary (in the {@code schemas} module). */
    public static final String DICTIONARY_RESOURCE = "dictionaries/f1-25.v1.yaml";
    /** The dictionary's name. */
    public static final String DICTIONARY_NAME = "f1-25.v1";

    private final int id;
    private final String channelName;

    F1Channel(final int id, final String channelName)
    {
        this.id = id;
        this.channelName = channelName;
    }

    /** The channel's id in {@code f1-25.v1}. */
    public int id()
    {
        return id;
    }

    /** The channel's name in {@code f1-25.v1}. */
    public String channelName()
    {
        return channelName;
    }
}
