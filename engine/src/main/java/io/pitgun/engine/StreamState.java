package io.pitgun.engine;

import io.pitgun.manifest.runtime.FrameProgram;

/**
 * One (session, source) stream seen by the processing thread: its manifest program (whose time functions keep
 * per-stream state) and its open segments. Reused from a pool when a stream ends.
 */
final class StreamState
{
    long sessionMsb;
    long sessionLsb;
    long producerMsb;
    long producerLsb;
    int sourceId;
    /** When it was last seen and its newest time ({@link StreamClock}: how idle it is). */
    final StreamClock.Timing timing = new StreamClock.Timing();
    final FrameProgram program;
    final StreamSegments segments;

    StreamState(final FrameProgram program, final StreamSegments segments)
    {
        this.program = program;
        this.segments = segments;
    }

    boolean sameSession(final long msb, final long lsb)
    {
        return sessionMsb == msb && sessionLsb == lsb;
    }
}
