package io.pitgun.gateway;

import org.slf4j.Logger;

/**
 * The steps of a shutdown, each run whatever the ones before it did: a step that throws is logged and counted, and the
 * rest still run, so one part that fails to stop (a UDP socket, the edge shipper, a tail reader) does not leave the
 * pipeline undrained, the journal open or the audit log unflushed. An {@link Error} is not caught: the caller settles
 * what must happen whatever (the data directory's lock) in a {@code finally}. Cold path.
 */
final class CloseSequence
{
    private final Logger log;
    private int failures;

    CloseSequence(final Logger log)
    {
        this.log = log;
    }

    /** Runs {@code step}; if it throws, logs that {@code what} did not stop cleanly and goes on. */
    void step(final String what, final Runnable step)
    {
        try
        {
            step.run();
        }
        catch (final RuntimeException ex)
        {
            failures++;
            log.error("{} did not stop cleanly", what, ex);
        }
    }

    /** How many steps threw. */
    int failures()
    {
        return failures;
    }
}
