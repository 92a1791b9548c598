package io.pitgun.solver;

import java.util.List;

/**
 * The race the solver simulates ({@code canonical-config/v1}): circuit, car and tyre characteristics.
 *
 * @param raceLaps              scheduled race distance in laps
 * @param baseLapTimeS          dry lap time with new tyres of zero offset and an empty tank
 * @param pitLaneTimeLossS      time lost by a green-flag pit stop
 * @param tyreFailureTimeLossS  time lost limping back after a tyre failure, on top of the forced stop
 * @param fuel                  fuel model
 * @param compounds             available tyre compounds
 * @param weather               rain behaviour
 * @param safetyCar             safety-car behaviour
 */
public record CanonicalConfig(
    int raceLaps,
    double baseLapTimeS,
    double pitLaneTimeLossS,
    double tyreFailureTimeLossS,
    FuelModel fuel,
    List<TyreCompound> compounds,
    WeatherModel weather,
    SafetyCarModel safetyCar)
{
    /** Index of the compound with this name, or -1. */
    public int compoundIndex(final String name)
    {
        for (int i = 0; i < compounds.size(); i++)
        {
            if (compounds.get(i).name().equals(name))
            {
                return i;
            }
        }
        return -1;
    }
}
