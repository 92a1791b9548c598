package io.pitgun.systemtests.soak;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What the soak's clients did and were answered, for the summary and the checks. Thread-safe. */
public final class SoakLedger
{
    final LongAdder sessionsStarted = new LongAdder();
    final LongAdder sessionsCompleted = new LongAdder();
    final LongAdder envelopesSent = new LongAdder();
    final LongAdder envelopesAcked = new LongAdder();
    final LongAdder overloadAnswers = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder httpSessions = new LongAdder();
    final LongAdder wsTextSessions = new LongAdder();
    final LongAdder wsBinarySessions = new LongAdder();
    final LongAdder hostileConnections = new LongAdder();
    final LongAdder hostileMessages = new LongAdder();
    final LongAdder hostileRefusals = new LongAdder();
    final LongAdder badSbeNacks = new LongAdder();
    final LongAdder malformedJsonRefusals = new LongAdder();
    final LongAdder subscriberMessages = new LongAdder();
    final LongAdder subscriberConnections = new LongAdder();
    final LongAdder subscribersDroppedSlow = new LongAdder();
    /** Frames acknowledged (202, WebSocket ack). */
    final AckedFrames acked = new AckedFrames();
    /** Frames a 503 nack named as in the ring ({@code frames_accepted}) and that were not resent. */
    final AckedFrames acceptedByOverload = new AckedFrames();
    /** Each session's transport, for the examples of a failed check. */
    final Map<UUID, String> transports = new ConcurrentHashMap<>();
}
