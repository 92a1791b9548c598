package io.pitgun.engine.tuning;

import java.util.List;

/**
 * The named engineering limits of {@code tuning-policy/v1} ({@code limits.max_engine_rpm}, ...) and the dictionary
 * channels each one bounds: the one statement of that mapping. A named limit is in the unit its name carries, and
 * the channels it names must have that unit in the dictionary in use, or the policy is refused at load (a bound
 * in kPa is never compared with a reading in bar). {@code docs/security.md} lists this table.
 */
public enum NamedLimit
{
    MAX_ENGINE_RPM("max_engine_rpm", false, "rpm", List.of("Engine_RPM")),
    MIN_TIRE_PRESSURE_KPA("min_tire_pressure_kpa", true, "kPa",
        List.of("Tyre_Pressure_FL", "Tyre_Pressure_FR", "Tyre_Pressure_RL", "Tyre_Pressure_RR")),
    MAX_TIRE_PRESSURE_KPA("max_tire_pressure_kpa", false, "kPa",
        List.of("Tyre_Pressure_FL", "Tyre_Pressure_FR", "Tyre_Pressure_RL", "Tyre_Pressure_RR")),
    /** Energy deployed in the current lap, so a per-lap limit. */
    MAX_ERS_DEPLOYMENT_KJ("max_ers_deployment_kj", false, "kJ", List.of("ERS_Deployed_Lap")),
    MAX_ERS_STORE_KJ("max_ers_store_kj", false, "kJ", List.of("ERS_Store_Energy")),
    MAX_FUEL_MASS_KG("max_fuel_mass_kg", false, "kg", List.of("Fuel_Mass")),
    MAX_BRAKE_TEMP_DEGC("max_brake_temp_degc", false, "degC",
        List.of("Brake_Temp_FL", "Brake_Temp_FR", "Brake_Temp_RL", "Brake_Temp_RR")),
    MIN_RIDE_HEIGHT_MM("min_ride_height_mm", true, "mm", List.of("Ride_Height_Front", "Ride_Height_Rear"));

    private final String key;
    private final boolean lowerBound;
    private final String unit;
    private final List<String> channels;

    NamedLimit(final String key, final boolean lowerBound, final String unit, final List<String> channels)
    {
        this.key = key;
        this.lowerBound = lowerBound;
        this.unit = unit;
        this.channels = channels;
    }

    /** The key under {@code limits}, e.g. {@code max_engine_rpm}. */
    public String key()
    {
        return key;
    }

    /** True for a {@code min_} limit (values below it violate it), false for a {@code max_} one. */
    public boolean lowerBound()
    {
        return lowerBound;
    }

    /** The unit symbol of the bound, which the channels must have. */
    public String unit()
    {
        return unit;
    }

    /** The dictionary channels the limit bounds, by canonical name. */
    public List<String> channels()
    {
        return channels;
    }

    /** The named limit with this key, or null. */
    public static NamedLimit ofKey(final String key)
    {
        for (final NamedLimit limit : values())
        {
            if (limit.key.equals(key))
            {
                return limit;
            }
        }
        return null;
    }
}
