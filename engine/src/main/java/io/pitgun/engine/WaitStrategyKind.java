package io.pitgun.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.Locale;

/**
 * How the pipeline's stage threads wait for the next frame (the Disruptor wait strategy).
 *
 * <p>Which to use (idle CPU measured on a 2-core VM, {@code docs/embedding.md} "How the stages wait"):
 * {@link #BACKOFF} (the default) answers in microseconds under a steady load and costs about 2 % of a core when
 * idle, so it suits a machine shared with the gateway and other processes; a publish wakes a parked stage (the
 * producer pays one {@code unpark} on the first frame after a quiet spell). {@link #BUSY_SPIN} (the latency profile,
 * {@link PipelineConfig.Builder#latencyProfile()}) and {@link #YIELDING} give the lowest latency but keep every
 * stage thread on a core for ever: only for cores of their own. {@link #SLEEPING} parks 100 ns when idle, which the
 * kernel's 50 µs timer slack turns into ~55 µs: it costs the p50 at moderate rates and still wakes ~18,000 times a
 * second when idle. {@link #BLOCKING} uses a lock and condition (producers pay a signal per publish).
 */
public enum WaitStrategyKind
{
    /** {@link BackoffWaitStrategy}: spin, yield, then growing parks that a publish cuts short. The default. */
    BACKOFF,
    /** {@code SleepingWaitStrategy}: spin, then yield, then park 100 ns (~55 µs on Linux). */
    SLEEPING,
    /** {@code YieldingWaitStrategy}: spin 100 times, then {@code Thread.yield()}. Best throughput on 2 cores. */
    YIELDING,
    /** {@code BlockingWaitStrategy}: lock and condition. */
    BLOCKING,
    /** {@code BusySpinWaitStrategy}: only when every stage thread has a core of its own (the latency profile). */
    BUSY_SPIN;

    /** A new Disruptor wait strategy of this kind. */
    public WaitStrategy newWaitStrategy()
    {
        switch (this)
        {
            case YIELDING:
                return new YieldingWaitStrategy();
            case BLOCKING:
                return new BlockingWaitStrategy();
            case BUSY_SPIN:
                return new BusySpinWaitStrategy();
            case SLEEPING:
                return new SleepingWaitStrategy();
            case BACKOFF:
                return new BackoffWaitStrategy();
            default:
                throw new IllegalStateException("no wait strategy for " + this);
        }
    }

    /** The configuration spelling, e.g. {@code busy_spin}. */
    public String symbol()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
