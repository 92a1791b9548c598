package io.pitgun.replay;

import java.io.IOException;

/** Sends one envelope and waits for the gateway's answer to it. */
public interface EnvelopeTransport extends AutoCloseable
{
    /**
     * @param eventId the envelope's {@code event_id} (answers are matched to it).
     * @param json    the envelope.
     * @throws IOException when the gateway cannot be reached or the connection breaks.
     */
    SendOutcome send(String eventId, String json) throws IOException, InterruptedException;

    /** Where envelopes go, for messages. */
    String endpoint();

    @Override
    void close();
}
