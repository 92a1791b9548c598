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
 * <p>On a 2-core machine the choice is between throughput and idle CPU: {@link #YIELDING} spins with
 * {@code Thread.yield()} and gives the best throughput and latency, but keeps every stage thread on a core while
 * idle; {@link #SLEEPING} (the default) behaves the same under load (it spins and yields first) and backs off to
 * 100 ns parks when idle, so an idle pipeline leaves the cores to the gateway and other processes. {@link #BUSY_SPIN}
 * collapses once threads outnumber cores; {@link #BLOCKING} uses a lock and condition (lowest CPU, highest wake-up
 * latency).
 */
public enum WaitStrategyKind
{
    /** {@code SleepingWaitStrategy}: spin, then yield, then park 100 ns. The default. */
    SLEEPING,
    /** {@code YieldingWaitStrategy}: spin 100 times, then {@code Thread.yield()}. Best throughput on 2 cores. */
    YIELDING,
    /** {@code BlockingWaitStrategy}: lock and condition. */
    BLOCKING,
    /** {@code BusySpinWaitStrategy}: only when every stage thread has a core of its own. */
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
            default:
                return new SleepingWaitStrategy();
        }
    }

    /** The configuration spelling, e.g. {@code busy_spin}. */
    public String symbol()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
