package io.pitgun.engine;

import java.util.Locale;

/**
 * How many threads publish into the ring: the Disruptor sequencer is chosen from it.
 */
public enum ProducerMode
{
    /** Any number of threads publish (a CAS per claim). The default. */
    MULTI,
    /**
     * Exactly one thread ever publishes (no CAS); publishing from a second thread corrupts the ring, unless the
     * pipeline is bound to its producer ({@code TelemetryPipeline.bindProducer()}), which refuses the second thread.
     */
    SINGLE;

    /** The configuration spelling, e.g. {@code single}. */
    public String symbol()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
