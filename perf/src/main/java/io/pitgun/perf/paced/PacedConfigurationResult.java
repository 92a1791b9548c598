package io.pitgun.perf.paced;

import java.io.Serializable;
import java.util.List;

/**
 * What one configuration measured.
 *
 * @param name           the configuration's name.
 * @param isDefault      whether it is the pipeline's default settings.
 * @param latencyProfile whether the latency-profile targets apply to it.
 * @param skipped        why it was not run on this machine, or null when it ran.
 * @param idleCpuPercent CPU time of its threads while idle, in % of one core (NaN when not measured).
 * @param points         its points, in the order they ran.
 */
public record PacedConfigurationResult(String name, boolean isDefault, boolean latencyProfile, String skipped,
    double idleCpuPercent, List<PacedPoint> points) implements Serializable
{
    /** The point at {@code rate} measured as one of the fixed rates (not the step-up), or null. */
    public PacedPoint at(final long rate)
    {
        for (final PacedPoint p : points)
        {
            if (p.rate() == rate && !p.stepUp())
            {
                return p;
            }
        }
        return null;
    }

    /** The highest rate whose point kept up with its schedule, or 0. */
    public long highestSustainable()
    {
        long best = 0;
        for (final PacedPoint p : points)
        {
            if (p.keptUp())
            {
                best = Math.max(best, p.rate());
            }
        }
        return best;
    }
}
