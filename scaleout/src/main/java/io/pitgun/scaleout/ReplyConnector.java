package io.pitgun.scaleout;

import io.aeron.Publication;

/**
 * How the hive opens the publication that acknowledges to an edge, from the reply address a batch names. The
 * address comes from the network, so the hive never takes the batch's channel as it is: only its endpoint, which
 * must be an IP address (no name to resolve on the driver's thread) of the host the batch came from (the hive does
 * not send to a third party on a datagram's word), on a channel the hive builds with its own settings (a datagram
 * cannot choose term lengths or other parameters for the hive's driver).
 */
@FunctionalInterface
interface ReplyConnector
{
    /**
     * The publication to {@code endpoint} on {@code streamId}, for a batch of Aeron session {@code sessionId}, or
     * null when the hive refuses it (logged by the implementation).
     */
    Publication connect(ReplyEndpoint endpoint, int streamId, int sessionId);
}
