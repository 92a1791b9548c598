package io.pitgun.scaleout;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.Locale;

/**
 * How a scale-out thread (an edge's shipper, the hive's writer) and its embedded media driver wait when a duty cycle
 * found nothing to do. The setting's text is the constant's name in lower case ({@code backoff}, ...).
 */
public enum AeronIdleStrategy
{
    /** Agrona's {@link BackoffIdleStrategy}: spin, yield, then park up to 1 ms. The default: quick to wake, and it
     *  gives the core back when idle (two cores are often shared with a gateway). */
    BACKOFF,
    /** {@link SleepingMillisIdleStrategy} of 1 ms: the least CPU when idle, up to 1 ms more latency per batch. */
    SLEEPING,
    /** {@link YieldingIdleStrategy}: {@code Thread.yield()} each idle cycle. */
    YIELDING,
    /** {@link BusySpinIdleStrategy}: only with a core of its own for each such thread. */
    BUSY_SPIN;

    /** A new idle strategy of this kind (each thread needs its own: they hold state). */
    public IdleStrategy newIdleStrategy()
    {
        switch (this)
        {
            case SLEEPING:
                return new SleepingMillisIdleStrategy(1);
            case YIELDING:
                return new YieldingIdleStrategy();
            case BUSY_SPIN:
                return new BusySpinIdleStrategy();
            case BACKOFF:
                return new BackoffIdleStrategy();
            default:
                throw new IllegalStateException("no idle strategy for " + this);
        }
    }

    /** The setting's text: the name in lower case, e.g. {@code busy_spin}. */
    public String text()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The strategy named {@code text} (any case).
     *
     * @throws IllegalArgumentException naming the choices, for any other text.
     */
    public static AeronIdleStrategy parse(final String text)
    {
        for (final AeronIdleStrategy kind : values())
        {
            if (kind.text().equalsIgnoreCase(text.trim()))
            {
                return kind;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an idle strategy (" + choices() + ")");
    }

    /** The choices, e.g. {@code backoff, sleeping, yielding, busy_spin}. */
    public static String choices()
    {
        final StringBuilder out = new StringBuilder();
        for (final AeronIdleStrategy kind : values())
        {
            out.append(out.length() == 0 ? "" : ", ").append(kind.text());
        }
        return out.toString();
    }
}
