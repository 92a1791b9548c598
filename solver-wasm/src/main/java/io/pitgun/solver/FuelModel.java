package io.pitgun.solver;

/**
 * Fuel on board and what it costs: no refuelling, the car is lighter every lap.
 *
 * @param startLoadKg  fuel at the start of lap 1
 * @param burnKgPerLap fuel burnt per lap (the load never goes below zero)
 * @param timePerKgS   lap time per kilogram carried
 */
public record FuelModel(double startLoadKg, double burnKgPerLap, double timePerKgS)
{
}
