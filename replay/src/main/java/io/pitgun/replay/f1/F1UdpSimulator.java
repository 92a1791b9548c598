package io.pitgun.replay.f1;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Sends an {@link F1SessionPackets} session over UDP at the game's rates, each tick at its own time (the sender
 * sleeps until then; a late tick is sent at once and the schedule kept, so the rate holds on average). Used by
 * {@code pitgun f1-udp-sim}, the round-trip test and demos.
 */
public final class F1UdpSimulator
{
    private final InetSocketAddress target;
    private final F1SessionPackets session;
    private final double speed;
    private long packetsSent;
    private long bytesSent;

    /** A session of {@code durationS} seconds of {@code cars} cars, sent to {@code target}. */
    public F1UdpSimulator(final InetSocketAddress target, final long seed, final int cars, final double durationS)
    {
        this(target, seed, cars, durationS, 1.0);
    }

    /**
     * A session of {@code durationS} seconds of session time, sent {@code speed} times faster than real time (1 is
     * the game's own pace; tests use more to see laps finish in seconds: the packets are the same, only closer).
     */
    public F1UdpSimulator(final InetSocketAddress target, final long seed, final int cars, final double durationS,
        final double speed)
    {
        if (!(speed > 0))
        {
            throw new IllegalArgumentException("speed must be > 0, got " + speed);
        }
        this.speed = speed;
        this.target = target;
        this.session = new F1SessionPackets(seed, cars,
            Math.max(1, Math.round(durationS * F1SessionPackets.TICK_HZ)));
    }

    /** Sends every tick, paced; returns the packets sent. */
    public long run()
    {
        return run(() -> false);
    }

    /** Sends every tick, paced, until the session ends or {@code stop} says so; returns the packets sent. */
    public long run(final BooleanSupplier stop)
    {
        try (DatagramChannel channel = DatagramChannel.open())
        {
            final ByteBuffer out = ByteBuffer.allocateDirect(io.pitgun.f1.F1PacketDescriptor.MAX_PACKET_BYTES);
            final F1SessionPackets.PacketHandler send = (buffer, length) -> send(channel, out, buffer, length);
            final long startNs = System.nanoTime();
            final double tickNs = 1e9 / F1SessionPackets.TICK_HZ / speed;
            while (!session.done() && !stop.getAsBoolean())
            {
                final long dueNs = startNs + (long)(session.tick() * tickNs);
                for (long waitNs = dueNs - System.nanoTime(); waitNs > 0; waitNs = dueNs - System.nanoTime())
                {
                    LockSupport.parkNanos(waitNs);
                }
                session.nextTick(send);
            }
            return packetsSent;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot send to " + target + ": " + ex.getMessage(), ex);
        }
    }

    private void send(final DatagramChannel channel, final ByteBuffer out, final UnsafeBuffer packet,
        final int length)
    {
        out.clear();
        packet.getBytes(0, out, length);
        out.flip();
        try
        {
            channel.send(out, target);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        packetsSent++;
        bytesSent += length;
    }

    /** Packets sent so far. */
    public long packetsSent()
    {
        return packetsSent;
    }

    /** Bytes sent so far. */
    public long bytesSent()
    {
        return bytesSent;
    }

    /** The session's {@code sessionUID}. */
    public long sessionUid()
    {
        return session.sessionUid();
    }
}
