package io.pitgun.engine;

import java.util.UUID;

/**
 * A deterministic synthetic race weekend published through the embedded API: several sessions, two sources per
 * session (interleaved, half a millisecond apart), laps changing every {@code framesPerLap} frames of a source.
 * Every value is a pure function of the frame number, so the expected outputs can be computed independently.
 */
final class SyntheticRun
{
    static final int ENGINE_RPM = 1;
    static final int THROTTLE = 2;
    static final int SPEED = 3;
    static final int TORQUE = 4;
    static final int GEAR = 6;
    static final int BRAKE = 7;
    static final long START_US = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z

    final int sessions;
    final int framesPerSourcePerSession;
    final int framesPerLap;

    SyntheticRun(final int sessions, final int framesPerSourcePerSession, final int framesPerLap)
    {
        this.sessions = sessions;
        this.framesPerSourcePerSession = framesPerSourcePerSession;
        this.framesPerLap = framesPerLap;
    }

    long totalFrames()
    {
        return 2L * sessions * framesPerSourcePerSession;
    }

    int lapsPerSource()
    {
        return (framesPerSourcePerSession + framesPerLap - 1) / framesPerLap;
    }

    static UUID sessionId(final int session)
    {
        return new UUID(0x5E5510A000000000L + session, 0x8000000000000000L | session);
    }

    static UUID producerId()
    {
        return new UUID(0x7D16DDE588A64B47L, 0x8CD8C711601CD61FL);
    }

    static double speed(final int source, final long i)
    {
        return 20.0 + 280.0 * (0.5 + 0.5 * Math.sin((i + source * 7) / 150.0));
    }

    static long rpm(final long i)
    {
        return 4_000 + (i * 37) % 11_000;
    }

    static double throttle(final long i)
    {
        return (i * 13) % 101;
    }

    static double torque(final long i)
    {
        return -100.0 + (i * 7) % 1_000;
    }

    static long gear(final long i)
    {
        return 1 + (i / 400) % 8;
    }

    static double brake(final long i)
    {
        return (i % 97) > 80 ? 90.0 : 0.0;
    }

    /** Frames of the run whose speed (as stored, an f32) is above {@code threshold}. */
    long framesFasterThan(final double threshold)
    {
        long n = 0;
        for (int s = 0; s < sessions; s++)
        {
            for (long i = 0; i < framesPerSourcePerSession; i++)
            {
                for (int source = 0; source < 2; source++)
                {
                    if ((double)(float)speed(source, i) > threshold)
                    {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /**
     * Publishes the whole run.
     *
     * @return the ring sequence of the last message published.
     */
    long publish(final TelemetryPipeline pipeline)
    {
        long last = -1;
        for (int s = 0; s < sessions; s++)
        {
            final UUID session = sessionId(s);
            final FrameWriter[] writers = {
                pipeline.newFrameWriter(session, producerId(), 0),
                pipeline.newFrameWriter(session, producerId(), 1) };
            final long sessionStartUs = START_US + s * 3_600_000_000L;
            writers[0].sessionStart(sessionStartUs, "session " + s);
            writers[1].sessionStart(sessionStartUs, "session " + s);
            for (long i = 0; i < framesPerSourcePerSession; i++)
            {
                for (int source = 0; source < 2; source++)
                {
                    final long t = sessionStartUs + i * 1_000 + source * 500;
                    last = writers[source].begin(i, t)
                        .lapNumber((int)(i / framesPerLap) + 1)
                        .putLong(ENGINE_RPM, rpm(i))
                        .putDouble(THROTTLE, throttle(i))
                        .putDouble(SPEED, speed(source, i))
                        .putDouble(TORQUE, torque(i))
                        .putLong(GEAR, gear(i))
                        .putDouble(BRAKE, brake(i))
                        .commit();
                }
            }
            final long endUs = sessionStartUs + framesPerSourcePerSession * 1_000L;
            writers[0].sessionEnd(endUs, "session " + s);
            last = writers[1].sessionEnd(endUs, "session " + s);
        }
        return last;
    }
}
