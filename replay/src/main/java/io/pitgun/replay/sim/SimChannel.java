package io.pitgun.replay.sim;

/**
 * The channels the simulator writes, in the order (and with the names) of the {@code sim.v1} dictionary, each with
 * the number of decimals it is written with. Integer and boolean channels have none; the others are rounded to
 * what a real logger would resolve, which also keeps the sample file small.
 */
public enum SimChannel
{
    ENGINE_RPM("Engine_RPM", 0),
    THROTTLE_POSITION("Throttle_Position", 1),
    SPEED("Speed", 2),
    TORQUE_NM("Torque_Nm", 1),
    LAP_TIME("LapTime", 3),
    GEAR("Gear", 0),
    BRAKE_PEDAL("Brake_Pedal", 1),
    STEERING_ANGLE("Steering_Angle", 1),
    CLUTCH_POSITION("Clutch_Position", 1),
    DRS_OPEN("DRS_Open", 0),
    DRS_AVAILABLE("DRS_Available", 0),
    ERS_STORE_ENERGY("ERS_Store_Energy", 1),
    ERS_DEPLOYED_LAP("ERS_Deployed_Lap", 1),
    ERS_HARVESTED_LAP("ERS_Harvested_Lap", 1),
    MGUK_POWER("MGUK_Power", 1),
    ERS_DEPLOY_MODE("ERS_Deploy_Mode", 0),
    FUEL_MASS("Fuel_Mass", 2),
    FUEL_REMAINING_LAPS("Fuel_Remaining_Laps", 2),
    FUEL_FLOW_SENSOR_COUNT("Fuel_Flow_Sensor_Count", 0),
    ENGINE_MAP("Engine_Map", 0),
    BRAKE_BIAS("Brake_Bias", 1),
    TYRE_SURFACE_TEMP_FL("Tyre_Surface_Temp_FL", 1),
    TYRE_SURFACE_TEMP_FR("Tyre_Surface_Temp_FR", 1),
    TYRE_SURFACE_TEMP_RL("Tyre_Surface_Temp_RL", 1),
    TYRE_SURFACE_TEMP_RR("Tyre_Surface_Temp_RR", 1),
    TYRE_INNER_TEMP_FL("Tyre_Inner_Temp_FL", 1),
    TYRE_INNER_TEMP_FR("Tyre_Inner_Temp_FR", 1),
    TYRE_INNER_TEMP_RL("Tyre_Inner_Temp_RL", 1),
    TYRE_INNER_TEMP_RR("Tyre_Inner_Temp_RR", 1),
    TYRE_PRESSURE_FL("Tyre_Pressure_FL", 1),
    TYRE_PRESSURE_FR("Tyre_Pressure_FR", 1),
    TYRE_PRESSURE_RL("Tyre_Pressure_RL", 1),
    TYRE_PRESSURE_RR("Tyre_Pressure_RR", 1),
    TYRE_WEAR_FL("Tyre_Wear_FL", 3),
    TYRE_WEAR_FR("Tyre_Wear_FR", 3),
    TYRE_WEAR_RL("Tyre_Wear_RL", 3),
    TYRE_WEAR_RR("Tyre_Wear_RR", 3),
    BRAKE_TEMP_FL("Brake_Temp_FL", 1),
    BRAKE_TEMP_FR("Brake_Temp_FR", 1),
    BRAKE_TEMP_RL("Brake_Temp_RL", 1),
    BRAKE_TEMP_RR("Brake_Temp_RR", 1),
    SUSPENSION_TRAVEL_FL("Suspension_Travel_FL", 1),
    SUSPENSION_TRAVEL_FR("Suspension_Travel_FR", 1),
    SUSPENSION_TRAVEL_RL("Suspension_Travel_RL", 1),
    SUSPENSION_TRAVEL_RR("Suspension_Travel_RR", 1),
    WHEEL_SPEED_FL("Wheel_Speed_FL", 1),
    WHEEL_SPEED_FR("Wheel_Speed_FR", 1),
    WHEEL_SPEED_RL("Wheel_Speed_RL", 1),
    WHEEL_SPEED_RR("Wheel_Speed_RR", 1),
    ENGINE_WATER_TEMP("Engine_Water_Temp", 1),
    ENGINE_OIL_TEMP("Engine_Oil_Temp", 1),
    ENGINE_OIL_PRESSURE("Engine_Oil_Pressure", 2),
    LAP_DISTANCE("Lap_Distance", 2),
    POSITION_X("Position_X", 2),
    POSITION_Y("Position_Y", 2),
    POSITION_Z("Position_Z", 2),
    G_LATERAL("G_Lateral", 2),
    G_LONGITUDINAL("G_Longitudinal", 2),
    G_VERTICAL("G_Vertical", 2),
    YAW_RATE("Yaw_Rate", 1),
    PITCH_ANGLE("Pitch_Angle", 2),
    ROLL_ANGLE("Roll_Angle", 2),
    RIDE_HEIGHT_FRONT("Ride_Height_Front", 1),
    RIDE_HEIGHT_REAR("Ride_Height_Rear", 1),
    SECTOR1_TIME("Sector1_Time", 3),
    SECTOR2_TIME("Sector2_Time", 3),
    SECTOR3_TIME("Sector3_Time", 3),
    LAST_LAP_TIME("Last_Lap_Time", 3),
    BEST_LAP_TIME("Best_Lap_Time", 3),
    AIR_TEMP("Air_Temp", 1),
    TRACK_TEMP("Track_Temp", 1),
    ERS_BATTERY_VOLTAGE("ERS_Battery_Voltage", 1),
    ERS_BATTERY_CURRENT("ERS_Battery_Current", 1);

    private static final SimChannel[] ALL = values();

    private final String channelName;
    private final int decimals;

    SimChannel(final String channelName, final int decimals)
    {
        this.channelName = channelName;
        this.decimals = decimals;
    }

    /** The dictionary name, which is also the CSV column header. */
    public String channelName()
    {
        return channelName;
    }

    /** Decimals written in the CSV (0 for integer and boolean channels). */
    public int decimals()
    {
        return decimals;
    }

    /** Every channel in dictionary order (a shared array: do not modify). */
    static SimChannel[] all()
    {
        return ALL;
    }
}
