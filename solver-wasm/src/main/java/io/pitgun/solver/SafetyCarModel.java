package io.pitgun.solver;

/**
 * What a safety-car period does (how often one is deployed is a risk factor).
 *
 * @param lapTimeFactor lap time under the safety car as a multiple of the base lap time (a floor)
 * @param pitLossFactor pit-lane time loss under the safety car as a fraction of the green-flag loss
 * @param wearFactor    tyre wear under the safety car as a fraction of racing wear
 * @param minLaps       shortest safety-car period, in laps
 * @param maxLaps       longest safety-car period, in laps (uniform between the two)
 */
public record SafetyCarModel(double lapTimeFactor, double pitLossFactor, double wearFactor, int minLaps, int maxLaps)
{
}
