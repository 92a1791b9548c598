package io.pitgun.replay.sim;

/**
 * The fastest speed the driver is willing to carry at each point of the lap: the cornering limit from lateral grip
 * (which grows with downforce, so fast corners are taken flat), lowered ahead of each corner by how hard the car can
 * brake. Computed by one backward pass around the loop (twice, so the braking zone before the line wraps round).
 */
final class SpeedEnvelope
{
    /** Top speed the envelope ever asks for; above it the car is limited by drag, not by the driver. */
    static final double UNLIMITED_MS = 120.0;

    private final Circuit circuit;
    private final double[] speedMs;

    private SpeedEnvelope(final Circuit circuit, final double[] speedMs)
    {
        this.circuit = circuit;
        this.speedMs = speedMs;
    }

    /**
     * @param circuit    the track.
     * @param massKg     current car mass (fuel included).
     * @param gripFactor fraction of the tyres' full grip the driver uses this lap (wear and commitment).
     */
    static SpeedEnvelope compute(final Circuit circuit, final double massKg, final double gripFactor)
    {
        final int n = circuit.points();
        final double aero = 0.5 * CarSpec.AIR_DENSITY * CarSpec.LIFT_AREA / massKg;
        final double lateral = CarSpec.LATERAL_GRIP * gripFactor;
        final double[] limit = new double[n];
        for (int i = 0; i < n; i++)
        {
            final double k = StrictMath.abs(circuit.curvatureAt(i));
            if (k < 1e-6)
            {
                limit[i] = UNLIMITED_MS;
                continue;
            }
            final double r = 1.0 / k;
            // v²/r = μ (g + aero v²)  ⇒  v² = μ g r / (1 − μ aero r); fast enough corners have no limit at all.
            final double denominator = 1.0 - lateral * aero * r;
            limit[i] = denominator <= 0.0 ? UNLIMITED_MS :
                StrictMath.min(UNLIMITED_MS, StrictMath.sqrt(lateral * CarSpec.G * r / denominator));
        }
        final double braking = CarSpec.BRAKING_GRIP * gripFactor * 0.92;
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = n - 1; i >= 0; i--)
            {
                final double next = limit[(i + 1) % n];
                final double decel = braking * (CarSpec.G + aero * next * next) +
                    CarSpec.dragN(next, false) / massKg;
                final double reachable = StrictMath.sqrt(next * next + 2.0 * decel * Circuit.STEP_M);
                if (reachable < limit[i])
                {
                    limit[i] = reachable;
                }
            }
        }
        return new SpeedEnvelope(circuit, limit);
    }

    /** The target speed at a lap distance, m/s. */
    double speedAt(final double distanceM)
    {
        final double length = circuit.lengthM();
        double s = distanceM % length;
        if (s < 0)
        {
            s += length;
        }
        final double position = s / Circuit.STEP_M;
        final int i = (int)position;
        final double f = position - i;
        final double a = speedMs[i % speedMs.length];
        final double b = speedMs[(i + 1) % speedMs.length];
        return a + (b - a) * f;
    }
}
