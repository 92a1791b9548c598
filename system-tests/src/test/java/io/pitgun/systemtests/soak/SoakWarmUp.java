package io.pitgun.systemtests.soak;

/**
 * The soak's warm-up baseline, taken once: the memory sample and live heap the end is compared with, and the start of
 * the never-reading clients right after (so what they cost shows). A watcher polling every 10 ms takes it as soon as
 * enough sessions completed, so that most sessions still run after it (a fast machine completes every short-mode
 * session within a few seconds: taken at the sampler's 1 s tick, with its full GC, the baseline could come after
 * them, and then the memory checks would no longer cover the sessions); the soak's own thread takes it when the
 * producers finished first, so the never-reading clients always run, and are always waited for, whichever thread
 * gets there first.
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
        final int before = sampler.samples().size();
        sampler.sample(); // the baseline is now, not the clock's last tick
        if (sampler.samples().size() == before)
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
