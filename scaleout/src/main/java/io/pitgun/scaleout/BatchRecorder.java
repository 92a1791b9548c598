package io.pitgun.scaleout;

import org.agrona.DirectBuffer;

/** Receives each batch the hive is about to append to an edge's journal: the Archive's record ({@link HiveRecorder}). */
@FunctionalInterface
interface BatchRecorder
{
    /** {@code buffer[offset, offset + length)} is a batch (without any MAC) bringing frames the hive does not hold. */
    void onTaking(DirectBuffer buffer, int offset, int length);
}
