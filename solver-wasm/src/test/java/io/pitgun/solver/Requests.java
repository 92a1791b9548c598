package io.pitgun.solver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped example requests (schemas module) and small variations of them for tests. */
final class Requests
{
    static final Path EXAMPLES = Path.of("../schemas/src/main/resources/examples/risk-analysis-request/v1/valid");

    private Requests()
    {
    }

    static String example(final String name)
    {
        try
        {
            return Files.readString(EXAMPLES.resolve(name));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** A one-compound race with every lap-time term chosen by the caller, no randomness unless given. */
    static String simpleRace(
        final int laps, final String riskFactors, final String strategies, final double wearPerLap,
        final double failureWear, final int scenarios)
    {
        return "{\"base_config\": {"
            + "\"race_laps\": " + laps + ", \"base_lap_time_s\": 80, \"pit_lane_time_loss_s\": 20,"
            + "\"tyre_failure_time_loss_s\": 30,"
            + "\"fuel\": {\"start_load_kg\": 10, \"burn_kg_per_lap\": 1, \"time_per_kg_s\": 0.5},"
            + "\"tyre_compounds\": ["
            + "{\"name\": \"soft\", \"kind\": \"slick\", \"pace_offset_s\": -1, \"degradation_s_per_lap\": 0.25,"
            + " \"wear_per_lap\": " + wearPerLap + ", \"cliff_wear\": 0.5, \"cliff_multiplier\": 4,"
            + " \"failure_wear\": " + failureWear + ", \"rain_penalty_s\": 10, \"dry_penalty_s\": 0},"
            + "{\"name\": \"hard\", \"kind\": \"slick\", \"pace_offset_s\": 0, \"degradation_s_per_lap\": 0.125,"
            + " \"wear_per_lap\": 0.0625, \"cliff_wear\": 1, \"cliff_multiplier\": 1,"
            + " \"failure_wear\": 2, \"rain_penalty_s\": 10, \"dry_penalty_s\": 0}],"
            + "\"weather\": {\"rain_lap_time_delta_s\": 5, \"shower_min_laps\": 2, \"shower_max_laps\": 4},"
            + "\"safety_car\": {\"lap_time_factor\": 1.5, \"pit_loss_factor\": 0.5, \"wear_factor\": 0.5,"
            + " \"min_laps\": 2, \"max_laps\": 3}},"
            + "\"scenarios_count\": " + scenarios + ", \"seed\": 11,"
            + "\"risk_factors\": " + riskFactors
            + (strategies == null ? "" : ", \"strategies\": " + strategies)
            + "}";
    }

    static final String NO_RISK =
        "{\"tire_degradation_variance\": 0, \"rain_probability_per_lap\": 0, \"safety_car_chance\": 0}";
}
