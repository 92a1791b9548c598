package io.pitgun.replay.sim;

/**
 * A closed circuit sampled every {@value #STEP_M} m along its centre line: curvature, heading, world position
 * (X and Z horizontal, Y up) and the DRS zones and sector lines.
 * <p>
 * The layout is given as straights and constant-radius corners; the curvature is then smoothed by a moving
 * average so that lateral acceleration and steering build up over a few tens of metres as they do on a real
 * racing line (a moving average over a loop keeps the total heading change at exactly 360°). Two straights are
 * lengthened or shortened until the line closes on itself; the remaining millimetres are spread along the lap.
 * Everything uses {@link StrictMath}, so the geometry is bit-identical on every JVM.
 */
public final class Circuit
{
    /** Spacing of the precomputed samples along the lap, metres. */
    public static final double STEP_M = 0.5;

    private final String name;
    private final double lengthM;
    private final int points;
    private final double[] curvature;
    private final double[] heading;
    private final double[] x;
    private final double[] z;
    private final double sector2StartM;
    private final double sector3StartM;
    private final double[] drsZones;
    private final double elevationAmplitudeM;

    Circuit(
        final String name,
        final double lengthM,
        final double[] curvature,
        final double[] heading,
        final double[] x,
        final double[] z,
        final double sector2StartM,
        final double sector3StartM,
        final double[] drsZones,
        final double elevationAmplitudeM)
    {
        this.name = name;
        this.lengthM = lengthM;
        this.points = curvature.length;
        this.curvature = curvature;
        this.heading = heading;
        this.x = x;
        this.z = z;
        this.sector2StartM = sector2StartM;
        this.sector3StartM = sector3StartM;
        this.drsZones = drsZones;
        this.elevationAmplitudeM = elevationAmplitudeM;
    }

    /**
     * A fast, clockwise circuit in the style of Monza (about 5.8 km): long straights broken by two chicanes, the
     * Lesmo rights, the Ascari sequence and a long opening right onto the main straight. Not a survey of the real
     * track; close enough for braking zones, gear use and top speeds to look like it.
     */
    public static Circuit monzaLike()
    {
        final CircuitBuilder builder = new CircuitBuilder("monza-like");
        builder.add(TrackSegment.straight(620)).drs();            // from the line to the first chicane
        builder.add(TrackSegment.right(24, 80));                  // Variante del Rettifilo
        builder.add(TrackSegment.straight(25));
        builder.add(TrackSegment.left(26, 75));
        builder.add(TrackSegment.straight(160));
        builder.add(TrackSegment.right(330, 50));                 // Curva Grande
        builder.add(TrackSegment.straight(520)).adjustable();
        builder.add(TrackSegment.left(32, 60));                   // Variante della Roggia
        builder.add(TrackSegment.straight(15));
        builder.add(TrackSegment.right(28, 60));
        builder.sector();
        builder.add(TrackSegment.straight(330));
        builder.add(TrackSegment.right(95, 90));                  // Lesmo 1
        builder.add(TrackSegment.straight(170));
        builder.add(TrackSegment.right(70, 70));                  // Lesmo 2
        builder.add(TrackSegment.straight(620));                  // Serraglio
        builder.add(TrackSegment.left(1000, 10));
        builder.add(TrackSegment.straight(300));
        builder.add(TrackSegment.left(120, 40));                  // Variante Ascari
        builder.add(TrackSegment.straight(30));
        builder.add(TrackSegment.right(100, 75));
        builder.add(TrackSegment.straight(20));
        builder.add(TrackSegment.left(180, 35));
        builder.sector();
        builder.add(TrackSegment.straight(1000)).drs().adjustable(); // back straight
        builder.add(TrackSegment.right(115, 125));                // Parabolica
        builder.add(TrackSegment.right(300, 30));
        builder.add(TrackSegment.straight(480)).drs();            // onto the main straight
        return builder.build(8.0);
    }

    /** The circuit's name. */
    public String name()
    {
        return name;
    }

    /** Lap length, metres. */
    public double lengthM()
    {
        return lengthM;
    }

    /** Number of precomputed samples (the lap is {@code points() * STEP_M} long). */
    int points()
    {
        return points;
    }

    /** Smoothed curvature (1/m, positive right) at sample {@code i} (taken modulo the lap). */
    double curvatureAt(final int i)
    {
        return curvature[Math.floorMod(i, points)];
    }

    /** Curvature at a lap distance, linearly interpolated. */
    public double curvature(final double distanceM)
    {
        return interpolate(curvature, distanceM);
    }

    /** Heading in radians (0 along +X, increasing clockwise seen from above) at a lap distance. */
    public double heading(final double distanceM)
    {
        final double s = wrap(distanceM) / STEP_M;
        final int i = (int)s;
        final double f = s - i;
        final double h0 = heading[i];
        final double h1 = heading[i + 1];
        return h0 + (h1 - h0) * f;
    }

    /** World X at a lap distance, metres. */
    public double x(final double distanceM)
    {
        return interpolate(x, distanceM);
    }

    /** World Z at a lap distance, metres. */
    public double z(final double distanceM)
    {
        return interpolate(z, distanceM);
    }

    /** World Y (height above the start line) at a lap distance, metres: two gentle periodic undulations. */
    public double y(final double distanceM)
    {
        final double phase = 2.0 * StrictMath.PI * wrap(distanceM) / lengthM;
        return elevationAmplitudeM * (StrictMath.sin(phase) + 0.4 * StrictMath.sin(2.0 * phase + 0.7) -
            0.4 * StrictMath.sin(0.7));
    }

    /** Road gradient dY/ds at a lap distance. */
    public double slope(final double distanceM)
    {
        final double k = 2.0 * StrictMath.PI / lengthM;
        final double phase = k * wrap(distanceM);
        return elevationAmplitudeM * k * (StrictMath.cos(phase) + 0.8 * StrictMath.cos(2.0 * phase + 0.7));
    }

    /** Vertical curvature d²Y/ds² at a lap distance (positive in a dip, where the car is pressed down). */
    public double verticalCurvature(final double distanceM)
    {
        final double k = 2.0 * StrictMath.PI / lengthM;
        final double phase = k * wrap(distanceM);
        return -elevationAmplitudeM * k * k * (StrictMath.sin(phase) + 1.6 * StrictMath.sin(2.0 * phase + 0.7));
    }

    /** The sector (1, 2 or 3) a lap distance lies in. */
    public int sectorAt(final double distanceM)
    {
        final double s = wrap(distanceM);
        return s < sector2StartM ? 1 : s < sector3StartM ? 2 : 3;
    }

    /** Lap distance where sector 2 or 3 begins (0 for sector 1), metres. */
    public double sectorStartM(final int sector)
    {
        return sector == 2 ? sector2StartM : sector == 3 ? sector3StartM : 0.0;
    }

    /** Whether DRS may be opened at this lap distance. */
    public boolean inDrsZone(final double distanceM)
    {
        final double s = wrap(distanceM);
        for (int i = 0; i < drsZones.length; i += 2)
        {
            if (s >= drsZones[i] && s < drsZones[i + 1])
            {
                return true;
            }
        }
        return false;
    }

    private double interpolate(final double[] values, final double distanceM)
    {
        final double s = wrap(distanceM) / STEP_M;
        final int i = (int)s;
        final double f = s - i;
        final double next = values[i + 1 < values.length ? i + 1 : 0];
        return values[i] + (next - values[i]) * f;
    }

    private double wrap(final double distanceM)
    {
        final double s = distanceM % lengthM;
        return s < 0 ? s + lengthM : s;
    }
}
