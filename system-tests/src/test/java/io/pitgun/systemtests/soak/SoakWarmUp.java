package io.pitgun.systemtests.soak;

/**
 * The soak's warm-up baseline, taken once: the memory sample and live heap the end is compared with, and the start of
 * the never-reading clients right after (so what they cost shows). The sampler's clock takes it once enough sessions
 * completed; the soak's own thread takes it when the producers finished first (a fast machine can complete every
 * short-mode session before the clock's next tick), so the never-reading clients always run, and are always waited
 * for, whichever thread gets there first.
 */
final class SoakWarmUp
{
    private final MemorySampler sampler;
    private final HostileClients hostile;
    private final SoakSettings settings;
    private int sampleIndex = -1;
    private long liveHeapBytes = -1;

    SoakWarmUp(final MemorySampler sampler, final HostileClients hostile, final SoakSettings settings)
    {
        this.sampler = sampler;
        this.hostile = hostile;
        this.settings = settings;
    }

    /**
     * Takes the baseline unless it was taken, once there is a sample to take it at. Synchronized: the thread that
     * comes second waits for the first to finish (its full GC and the clients' start) and then does nothing.
     */
    synchronized void takeOnce()
    {
        if (sampleIndex >= 0)
        {
            return;
        }
        if (sampler.samples().isEmpty())
        {
            sampler.sample();
        }
        if (sampler.samples().isEmpty())
        {
            return; // the gateway did not answer: a violation the sampler recorded
        }
        sampleIndex = sampler.samples().size() - 1;
        liveHeapBytes = sampler.liveHeapBytes();
        hostile.startNeverReaders(settings.neverReadingClients(), settings.neverReadingMessages(),
            settings.neverReadingRatePerS());
    }

    /** The index of the baseline sample, or -1 if none was taken. */
    synchronized int sampleIndex()
    {
        return sampleIndex;
    }

    /** The live heap at the baseline, or -1 if none was taken. */
    synchronized long liveHeapBytes()
    {
        return liveHeapBytes;
    }
}
