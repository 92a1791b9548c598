package io.pitgun.perf.loadgen;

import java.io.PrintWriter;
import java.net.URI;

/**
 * Runs the load generator at increasing rates until a step breaks the limits (p99.9 latency from the intended send
 * time, share of refused or failed envelopes, or an achieved rate below a share of the offered one, 95 % unless told)
 * and reports the
 * highest rate that held: the sustainable rate of that target on this machine.
 */
public final class LoadgenSweep
{
    /**
     * The limits a step must stay within, and the rates to try.
     *
     * @param startRate     the first rate, envelopes/s.
     * @param factor        each step multiplies the rate by this (&gt; 1).
     * @param maxRate       the highest rate tried.
     * @param p999Ms        a step breaks when p99.9 latency is above this, in milliseconds.
     * @param maxErrorRatio a step breaks when more than this share of envelopes fails.
     * @param minAchievedRatio a step breaks when it sent fewer than this share of the offered rate (the load generator
     *                      itself fell behind, or the target's answers held it back).
     */
    public record Limits(double startRate, double factor, double maxRate, double p999Ms, double maxErrorRatio,
        double minAchievedRatio)
    {
    }

    /**
     * The highest rate that held (0 if none did) and the first that broke (0 if none did).
     *
     * @param sustainableRate the highest rate that held, envelopes/s.
     * @param brokenRate      the first rate that broke the limits.
     * @param brokenBecause   why that step broke, or null when none did.
     */
    public record Outcome(double sustainableRate, double brokenRate, String brokenBecause)
    {
    }

    private LoadgenSweep()
    {
    }

    /**
     * Warms the target up at the start rate, then raises the rate step by step, printing one row per step.
     *
     * @param name     the target's name in the printout.
     * @param target   the target's base URL.
     * @param template the settings of every step but the target and the rate.
     * @param limits   the limits and rates.
     * @param out      where the table goes.
     * @return the sustainable rate and why the sweep stopped.
     * @throws Exception when the target cannot be reached.
     */
    public static Outcome run(final String name, final URI target, final LoadgenRun.Settings template, final Limits limits,
        final PrintWriter out) throws Exception
    {
        out.printf("%s (%s): warm-up at %.0f envelopes/s%n", name, target, limits.startRate());
        out.flush();
        LoadgenRun.run(with(template, target, limits.startRate()));
        out.println("  offered/s   accepted/s   errors        p50 µs      p99 µs    p99.9 µs   verdict");
        double sustainable = 0;
        for (double rate = limits.startRate(); rate <= limits.maxRate(); rate *= limits.factor())
        {
            final LoadgenRun.Result r = LoadgenRun.run(with(template, target, rate));
            final String broken = broken(r, rate, limits);
            out.printf("  %9.0f   %10.0f   %6d   %11.0f %11.0f %11.0f   %s%n", rate, r.achievedRate(), r.errorCount(),
                r.latencyNs().getValueAtPercentile(50) / 1e3, r.latencyNs().getValueAtPercentile(99) / 1e3,
                r.latencyNs().getValueAtPercentile(99.9) / 1e3, broken == null ? "ok" : broken);
            out.flush();
            if (broken != null)
            {
                return new Outcome(sustainable, rate, broken);
            }
            sustainable = rate;
        }
        return new Outcome(sustainable, 0, null);
    }

    /** Why a step broke the limits, or null if it held. */
    static String broken(final LoadgenRun.Result r, final double rate, final Limits limits)
    {
        if (r.errorCount() > limits.maxErrorRatio() * r.sent())
        {
            return "errors " + r.errors();
        }
        if (r.accepted() == 0 || r.latencyNs().getValueAtPercentile(99.9) > limits.p999Ms() * 1e6)
        {
            return String.format("p99.9 over %.1f ms", limits.p999Ms());
        }
        if (r.achievedRate() < limits.minAchievedRatio() * rate)
        {
            return String.format("achieved rate under %.0f %% of offered", limits.minAchievedRatio() * 100);
        }
        return null;
    }

    private static LoadgenRun.Settings with(final LoadgenRun.Settings t, final URI target, final double rate)
    {
        return new LoadgenRun.Settings(target, rate, t.duration(), t.connections(), t.framesPerEnvelope(),
            t.samplesPerFrame(), t.mode(), t.drain(), t.token());
    }
}
