package io.pitgun.f1;

import io.pitgun.engine.TelemetryPipeline;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;

/**
 * The F1 game's UDP telemetry as a pipeline source: a thread of its own ({@code pitgun-f1-udp}) receives each
 * datagram into one direct buffer and hands it to an {@link F1PacketAdapter}, which writes frames straight into the
 * ring. The gateway starts one with {@code --udp HOST:PORT}; an embedder starts one on its own pipeline:
 *
 * <pre>{@code
 * TelemetryPipeline pipeline = TelemetryPipeline.builder()
 *     .dictionary(ParameterRegistry.loadResource(F1Channel.DICTIONARY_RESOURCE)) ... .build();
 * try (F1UdpSource source = F1UdpSource.start(pipeline, new InetSocketAddress("127.0.0.1", 20777), false,
 *     new F1UdpCounters())) { ... }
 * }</pre>
 *
 * The thread blocks in {@code receive} (a datagram at a time, the JDK caching the sender's address, so nothing is
 * allocated per packet); {@link #close()} closes the socket, which wakes it, ends the session's streams and joins it.
 * Nothing a packet holds stops the source: every refusal is counted ({@link F1UdpCounters}).
 */
public final class F1UdpSource implements AutoCloseable
{
    /** Receive buffer asked of the kernel: a second of 22-car traffic at the game's highest rate, with room. */
    public static final int SOCKET_RECEIVE_BUFFER_BYTES = 4 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(F1UdpSource.class);

    private final DatagramChannel channel;
    private final F1PacketAdapter adapter;
    private final F1UdpCounters counters;
    private final InetSocketAddress localAddress;
    private final Thread thread;

    private F1UdpSource(final DatagramChannel channel, final F1PacketAdapter adapter, final F1UdpCounters counters)
        throws IOException
    {
        this.channel = channel;
        this.adapter = adapter;
        this.counters = counters;
        this.localAddress = (InetSocketAddress)channel.getLocalAddress();
        this.thread = new Thread(this::run, "pitgun-f1-udp");
        thread.setDaemon(true);
    }

    /**
     * Binds {@code bind} (port 0: a free port, see {@link #localAddress()}) and starts receiving.
     *
     * @throws IllegalArgumentException if the pipeline's dictionary lacks the F1 channels.
     * @throws UncheckedIOException if the address cannot be bound.
     */
    public static F1UdpSource start(final TelemetryPipeline pipeline, final InetSocketAddress bind,
        final boolean allCars, final F1UdpCounters counters)
    {
        final F1PacketAdapter adapter = new F1PacketAdapter(pipeline, allCars, counters);
        DatagramChannel channel = null;
        try
        {
            channel = DatagramChannel.open();
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_RECEIVE_BUFFER_BYTES);
            channel.bind(bind);
            final F1UdpSource source = new F1UdpSource(channel, adapter, counters);
            source.thread.start();
            return source;
        }
        catch (final IOException ex)
        {
            if (channel != null)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException suppressed)
                {
                    ex.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("cannot receive F1 UDP on " + bind + ": " + ex.getMessage(), ex);
        }
    }

    /** The address bound (with the real port when port 0 was asked for). */
    public InetSocketAddress localAddress()
    {
        return localAddress;
    }

    /** The source's counters. */
    public F1UdpCounters counters()
    {
        return counters;
    }

    private void run()
    {
        // One byte more than the largest packet: a datagram that fills it is too long (the kernel cut it).
        final ByteBuffer datagram = ByteBuffer.allocateDirect(F1PacketDescriptor.MAX_PACKET_BYTES + 1);
        final UnsafeBuffer view = new UnsafeBuffer(datagram);
        while (true)
        {
            try
            {
                datagram.clear();
                if (channel.receive(datagram) == null)
                {
                    continue;
                }
                adapter.onPacket(view, 0, datagram.position());
            }
            catch (final ClosedChannelException ex)
            {
                break;
            }
            catch (final IOException | RuntimeException ex)
            {
                // Never stop the source for one packet or one bad moment of the socket.
                LOG.warn("F1 UDP source: {}", ex.toString());
            }
        }
        try
        {
            adapter.endSession();
        }
        catch (final RuntimeException ex)
        {
            LOG.debug("F1 UDP source: session not ended: {}", ex.toString());
        }
    }

    /** Stops receiving, ends the session's streams and waits (bounded) for the thread. */
    @Override
    public void close()
    {
        try
        {
            channel.close();
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final IOException ex)
        {
            LOG.warn("F1 UDP source: close: {}", ex.toString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
