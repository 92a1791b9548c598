package io.pitgun.replay.sim;

import java.util.ArrayList;
import java.util.List;

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

    private static final double SMOOTHING_M = 36.0;
    private static final int CLOSURE_PASSES = 3;

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

    private Circuit(
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
        final Builder builder = new Builder("monza-like");
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

    private static final class Builder
    {
        private final String name;
        private final List<TrackSegment> segments = new ArrayList<>();
        private final List<Integer> drs = new ArrayList<>();
        private final List<Integer> adjustable = new ArrayList<>();
        private final List<Integer> sectorStarts = new ArrayList<>();

        Builder(final String name)
        {
            this.name = name;
        }

        Builder add(final TrackSegment segment)
        {
            segments.add(segment);
            return this;
        }

        Builder drs()
        {
            drs.add(segments.size() - 1);
            return this;
        }

        Builder adjustable()
        {
            adjustable.add(segments.size() - 1);
            return this;
        }

        Builder sector()
        {
            sectorStarts.add(segments.size());
            return this;
        }

        Circuit build(final double elevationAmplitudeM)
        {
            double turned = 0;
            for (final TrackSegment segment : segments)
            {
                turned += segment.headingChange();
            }
            if (StrictMath.abs(turned - 2.0 * StrictMath.PI) > 1e-9)
            {
                throw new IllegalStateException(name + ": corners turn " + StrictMath.toDegrees(turned) +
                    "°, a clockwise circuit needs 360°");
            }
            if (adjustable.size() != 2 || sectorStarts.size() != 2)
            {
                throw new IllegalStateException(name + ": needs two adjustable straights and two sector lines");
            }
            final double[] lengths = new double[segments.size()];
            for (int i = 0; i < lengths.length; i++)
            {
                lengths[i] = segments.get(i).lengthM();
            }
            Layout layout = layout(lengths);
            for (int pass = 0; pass < CLOSURE_PASSES; pass++)
            {
                // Lengthening straight a by la moves everything after it by la along its heading: solve for the
                // two changes that cancel the gap (the headings of the two straights are not parallel).
                final int a = adjustable.get(0);
                final int b = adjustable.get(1);
                final double ha = layout.headingAtSegment(a);
                final double hb = layout.headingAtSegment(b);
                final double gx = -layout.gapX();
                final double gz = -layout.gapZ();
                final double det = StrictMath.cos(ha) * StrictMath.sin(hb) - StrictMath.sin(ha) * StrictMath.cos(hb);
                final double la = (gx * StrictMath.sin(hb) - gz * StrictMath.cos(hb)) / det;
                final double lb = (StrictMath.cos(ha) * gz - StrictMath.sin(ha) * gx) / det;
                lengths[a] += la;
                lengths[b] += lb;
                if (lengths[a] < 100 || lengths[b] < 100)
                {
                    throw new IllegalStateException(name + ": the layout does not close with positive straights");
                }
                layout = layout(lengths);
            }
            return layout.toCircuit(elevationAmplitudeM);
        }

        private Layout layout(final double[] lengths)
        {
            // Each segment covers a whole number of samples: lengthening a straight then moves the rest of the
            // lap rigidly, which is what makes the closure correction converge.
            final int[] counts = new int[lengths.length];
            final double[] starts = new double[lengths.length + 1];
            int n = 0;
            for (int i = 0; i < lengths.length; i++)
            {
                counts[i] = (int)StrictMath.max(1, StrictMath.round(lengths[i] / STEP_M));
                starts[i] = n * STEP_M;
                n += counts[i];
            }
            starts[lengths.length] = n * STEP_M;
            final double lengthM = n * STEP_M;

            final double[] raw = new double[n];
            int point = 0;
            for (int i = 0; i < lengths.length; i++)
            {
                // Keep each corner's total turn exact although its length was rounded to the grid.
                final TrackSegment segment = segments.get(i);
                final double k = segment.headingChange() / (counts[i] * STEP_M);
                for (int j = 0; j < counts[i]; j++)
                {
                    raw[point++] = k;
                }
            }
            final double[] curvature = circularMovingAverage(raw, (int)StrictMath.round(SMOOTHING_M / STEP_M));
            // Grid rounding shifts the total turn by a hair; scale it back to exactly one revolution.
            double sum = 0;
            for (final double k : curvature)
            {
                sum += k * STEP_M;
            }
            final double scale = 2.0 * StrictMath.PI / sum;
            for (int i = 0; i < n; i++)
            {
                curvature[i] *= scale;
            }

            final double[] heading = new double[n + 1];
            final double[] x = new double[n + 1];
            final double[] z = new double[n + 1];
            for (int i = 0; i < n; i++)
            {
                final double k0 = curvature[i];
                final double k1 = curvature[(i + 1) % n];
                heading[i + 1] = heading[i] + 0.5 * (k0 + k1) * STEP_M;
                final double mid = 0.5 * (heading[i] + heading[i + 1]);
                x[i + 1] = x[i] + StrictMath.cos(mid) * STEP_M;
                z[i + 1] = z[i] + StrictMath.sin(mid) * STEP_M;
            }
            return new Layout(lengthM, starts, curvature, heading, x, z);
        }

        private static double[] circularMovingAverage(final double[] values, final int window)
        {
            final int n = values.length;
            final int half = window / 2;
            final double[] result = new double[n];
            double sum = 0;
            for (int j = -half; j <= half; j++)
            {
                sum += values[Math.floorMod(j, n)];
            }
            final int width = 2 * half + 1;
            for (int i = 0; i < n; i++)
            {
                result[i] = sum / width;
                sum += values[Math.floorMod(i + half + 1, n)] - values[Math.floorMod(i - half, n)];
            }
            return result;
        }

        private final class Layout
        {
            private final double lengthM;
            private final double[] starts;
            private final double[] curvature;
            private final double[] heading;
            private final double[] x;
            private final double[] z;

            Layout(final double lengthM, final double[] starts, final double[] curvature, final double[] heading,
                final double[] x, final double[] z)
            {
                this.lengthM = lengthM;
                this.starts = starts;
                this.curvature = curvature;
                this.heading = heading;
                this.x = x;
                this.z = z;
            }

            double gapX()
            {
                return x[x.length - 1] - x[0];
            }

            double gapZ()
            {
                return z[z.length - 1] - z[0];
            }

            double headingAtSegment(final int segment)
            {
                final double middle = 0.5 * (starts[segment] + starts[segment + 1]) * lengthM / starts[starts.length - 1];
                return heading[(int)(middle / STEP_M)];
            }

            Circuit toCircuit(final double elevationAmplitudeM)
            {
                final int n = curvature.length;
                final double scale = lengthM / starts[starts.length - 1];
                // Spread the last sub-millimetre gap along the lap, then centre the circuit on the origin.
                final double gx = gapX();
                final double gz = gapZ();
                if (gx * gx + gz * gz > 1.0)
                {
                    throw new IllegalStateException(name + ": the layout misses closing by " +
                        StrictMath.sqrt(gx * gx + gz * gz) + " m");
                }
                double minX = Double.MAX_VALUE;
                double maxX = -Double.MAX_VALUE;
                double minZ = Double.MAX_VALUE;
                double maxZ = -Double.MAX_VALUE;
                for (int i = 0; i <= n; i++)
                {
                    x[i] -= gx * i / n;
                    z[i] -= gz * i / n;
                    minX = StrictMath.min(minX, x[i]);
                    maxX = StrictMath.max(maxX, x[i]);
                    minZ = StrictMath.min(minZ, z[i]);
                    maxZ = StrictMath.max(maxZ, z[i]);
                }
                final double cx = StrictMath.rint(0.5 * (minX + maxX));
                final double cz = StrictMath.rint(0.5 * (minZ + maxZ));
                for (int i = 0; i <= n; i++)
                {
                    x[i] -= cx;
                    z[i] -= cz;
                }
                final double[] zones = new double[drs.size() * 2];
                for (int i = 0; i < drs.size(); i++)
                {
                    final int segment = drs.get(i);
                    final double start = starts[segment] * scale;
                    final double end = starts[segment + 1] * scale;
                    // Open after the car has settled on the straight; closed well before the braking zone.
                    zones[2 * i] = segment == 0 ? start : start + 60.0;
                    zones[2 * i + 1] = segment == segments.size() - 1 ? end : end - 180.0;
                }
                return new Circuit(name, lengthM, curvature, heading, x, z,
                    starts[sectorStarts.get(0)] * scale, starts[sectorStarts.get(1)] * scale, zones, elevationAmplitudeM);
            }
        }
    }
}
