package io.pitgun.replay.sim;

/**
 * The simulated car: a hybrid single-seater in low-downforce trim. Numbers are of the right order for such a
 * car, not any team's data.
 */
final class CarSpec
{
    static final double G = 9.80665;
    static final double AIR_DENSITY = 1.18;

    static final double DRY_MASS_KG = 798.0;
    static final double WHEEL_RADIUS_M = 0.33;
    static final double WHEELBASE_M = 3.6;
    static final double HALF_TRACK_M = 0.8;
    static final double STEERING_RATIO = 11.0;
    static final double DRIVELINE_EFFICIENCY = 0.93;

    /** Drag area Cd·A, m², and the fraction DRS removes. */
    static final double DRAG_AREA = 1.1;
    static final double DRS_DRAG_REDUCTION = 0.18;
    /** Downforce area Cl·A, m². */
    static final double LIFT_AREA = 3.0;
    static final double ROLLING_RESISTANCE = 0.012;

    /** Tyre friction coefficients at full grip (new tyres in their window). */
    static final double LATERAL_GRIP = 1.75;
    static final double BRAKING_GRIP = 1.6;
    static final double TRACTION_GRIP = 1.6;
    /** Share of the car's weight and downforce on the rear (driven) axle. */
    static final double REAR_WEIGHT_SHARE = 0.55;

    static final int GEARS = 8;
    /** Engine revolutions per wheel revolution in each gear (index 1..8). */
    static final double[] OVERALL_RATIO = new double[GEARS + 1];

    static final double IDLE_RPM = 4000.0;
    static final double REV_LIMIT_RPM = 12500.0;
    static final double UPSHIFT_RPM = 11900.0;
    static final double DOWNSHIFT_RPM = 8200.0;

    /** Full-load torque curve: rpm → Nm, linear between points. */
    private static final double[] TORQUE_RPM = { 0, 4000, 6000, 8000, 10000, 10800, 11600, 12500, 15000 };
    private static final double[] TORQUE_NM = { 300, 340, 450, 545, 605, 610, 585, 520, 300 };

    static final double MGUK_MAX_KW = 120.0;
    static final double ERS_STORE_MAX_KJ = 4000.0;
    static final double ERS_DEPLOY_LIMIT_KJ_PER_LAP = 4000.0;
    static final double ERS_HARVEST_LIMIT_KJ_PER_LAP = 2000.0;
    static final double MGUH_HARVEST_KW = 25.0;

    /** Fuel flow at full load and peak power (the regulation limit is 100 kg/h). */
    static final double MAX_FUEL_FLOW_KG_PER_S = 100.0 / 3600.0;
    static final double FUEL_PULSES_PER_KG = 20_000.0;

    static
    {
        // Geometric ratios: first gear runs out near 110 km/h, eighth near 345 km/h at the upshift point.
        final double first = rpmToRadPerS(UPSHIFT_RPM) * WHEEL_RADIUS_M / (110 / 3.6);
        final double eighth = rpmToRadPerS(UPSHIFT_RPM) * WHEEL_RADIUS_M / (345 / 3.6);
        for (int gear = 1; gear <= GEARS; gear++)
        {
            OVERALL_RATIO[gear] = first * StrictMath.pow(eighth / first, (gear - 1) / (double)(GEARS - 1));
        }
    }

    private CarSpec()
    {
    }

    static double fullLoadTorqueNm(final double rpm)
    {
        for (int i = 1; i < TORQUE_RPM.length; i++)
        {
            if (rpm <= TORQUE_RPM[i])
            {
                final double f = (rpm - TORQUE_RPM[i - 1]) / (TORQUE_RPM[i] - TORQUE_RPM[i - 1]);
                return TORQUE_NM[i - 1] + f * (TORQUE_NM[i] - TORQUE_NM[i - 1]);
            }
        }
        return TORQUE_NM[TORQUE_NM.length - 1];
    }

    /** Engine braking torque (negative) with the throttle closed. */
    static double overrunTorqueNm(final double rpm)
    {
        return -(25.0 + 0.0065 * rpm);
    }

    static double rpmToRadPerS(final double rpm)
    {
        return rpm * 2.0 * StrictMath.PI / 60.0;
    }

    /** Engine speed in {@code gear} at road speed {@code speedMs}, before the idle floor. */
    static double engineRpm(final double speedMs, final int gear)
    {
        return speedMs / WHEEL_RADIUS_M * OVERALL_RATIO[gear] * 60.0 / (2.0 * StrictMath.PI);
    }

    static double downforceN(final double speedMs)
    {
        return 0.5 * AIR_DENSITY * LIFT_AREA * speedMs * speedMs;
    }

    static double dragN(final double speedMs, final boolean drsOpen)
    {
        final double area = drsOpen ? DRAG_AREA * (1.0 - DRS_DRAG_REDUCTION) : DRAG_AREA;
        return 0.5 * AIR_DENSITY * area * speedMs * speedMs;
    }
}
