package io.pitgun.engine;

import java.util.Locale;

/**
 * How many threads publish into the ring: the Disruptor sequencer is chosen from it.
 */
public enum ProducerMode
{
    /** Any number of threads publish (a CAS per claim). The default. */
    MULTI,
    /** Exactly one thread ever publishes (no CAS); publishing from a second thread corrupts the ring. */
    SINGLE;

    /** The configuration spelling, e.g. {@code single}. */
    public String symbol()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
