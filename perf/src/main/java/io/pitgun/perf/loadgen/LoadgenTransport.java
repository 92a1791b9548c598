package io.pitgun.perf.loadgen;

/** How {@code pitgun loadgen} puts one envelope on the wire and reports its answer to the recorder. */
interface LoadgenTransport extends AutoCloseable
{
    /** Sends envelope {@code n} on connection {@code connection}; must not block for the answer. */
    void send(int connection, long n, long intendedNs);

    /** Envelopes sent and not yet answered. */
    long outstanding();

    @Override
    void close();
}
