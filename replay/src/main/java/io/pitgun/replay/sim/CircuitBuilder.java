package io.pitgun.replay.sim;

import java.util.ArrayList;
import java.util.List;

import static io.pitgun.replay.sim.Circuit.STEP_M;

/**
 * Builds a {@link Circuit} from straights and constant-radius corners: marks DRS zones, the straights that may be
 * lengthened to close the line, and sector starts, then smooths the curvature and closes the loop (see
 * {@link Circuit} for how).
 */
final class CircuitBuilder
{
    private static final double SMOOTHING_M = 36.0;
    private static final int CLOSURE_PASSES = 3;

    private final String name;
    private final List<TrackSegment> segments = new ArrayList<>();
    private final List<Integer> drs = new ArrayList<>();
    private final List<Integer> adjustable = new ArrayList<>();
    private final List<Integer> sectorStarts = new ArrayList<>();

    CircuitBuilder(final String name)
    {
        this.name = name;
    }

    CircuitBuilder add(final TrackSegment segment)
    {
        segments.add(segment);
        return this;
    }

    CircuitBuilder drs()
    {
        drs.add(segments.size() - 1);
        return this;
    }

    CircuitBuilder adjustable()
    {
        adjustable.add(segments.size() - 1);
        return this;
    }

    CircuitBuilder sector()
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
