package io.pitgun.gateway;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes audit lines to a file on a thread of its own, so that no event loop ever waits for the disk: the loops
 * {@link #offer} each line into a bounded lock-free queue (one CAS, no lock); a full queue drops the line and counts
 * it ({@code onDropped}). The writer drains the queue, flushes whenever it is empty, and rotates the file by size:
 * past {@code maxBytes} the file becomes {@code FILE.1} (the older ones move up to {@code FILE.keep}, the oldest is
 * deleted) and a new {@code FILE} begins. A line is never split across files.
 */
final class AuditFileWriter implements AutoCloseable
{
    /** Size at which the file is rotated. */
    static final long MAX_BYTES = 64L << 20;
    /** Rotated files kept besides the current one. */
    static final int KEEP = 5;
    /** Lines waiting for the writer, at most (a burst of requests while the disk stalls). */
    static final int QUEUE_LINES = 16_384;

    private static final Logger LOG = LoggerFactory.getLogger(AuditFileWriter.class);
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private final Runnable onDropped;
    private final ManyToOneConcurrentArrayQueue<String> queue;
    private final Thread thread;
    private volatile boolean running = true;
    private OutputStream out;
    private long size;

    /**
     * Opens {@code file} for appending (created if missing); the writer thread starts with {@link #start}.
     *
     * @throws IOException if it cannot be opened.
     */
    AuditFileWriter(final Path file, final long maxBytes, final int keep, final int queueLines,
        final Runnable onDropped) throws IOException
    {
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.onDropped = onDropped;
        this.queue = new ManyToOneConcurrentArrayQueue<>(queueLines);
        open();
        this.thread = new Thread(this::run, "pitgun-audit-writer");
        thread.setDaemon(true);
    }

    /** Starts the writer thread. */
    AuditFileWriter start()
    {
        thread.start();
        return this;
    }

    /** Queues {@code line} (without its newline); drops and counts it when the queue is full. Any thread. */
    void offer(final String line)
    {
        if (!queue.offer(line))
        {
            onDropped.run();
        }
    }

    private void run()
    {
        while (running)
        {
            if (drain() == 0)
            {
                flush();
                LockSupport.parkNanos(IDLE_PARK_NS);
            }
        }
        drain();
        flush();
    }

    private int drain()
    {
        return queue.drain(this::write);
    }

    private void write(final String line)
    {
        final byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try
        {
            if (size > 0 && size + bytes.length > maxBytes)
            {
                rotate();
            }
            out.write(bytes);
            size += bytes.length;
        }
        catch (final IOException ex)
        {
            onDropped.run();
            LOG.error("audit log {}: a line was lost: {}", file, ex.toString());
        }
    }

    private void rotate() throws IOException
    {
        out.close();
        try
        {
            Files.deleteIfExists(rotated(keep));
            for (int i = keep - 1; i >= 1; i--)
            {
                if (Files.exists(rotated(i)))
                {
                    Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            // Rotation failed: keep appending to the file where it is (it grows past maxBytes) rather than leave the
            // stream closed and lose every later line; the next line tries to rotate again.
            LOG.error("audit log {}: cannot rotate, appending on: {}", file, ex.toString());
        }
        finally
        {
            open();
        }
    }

    private Path rotated(final int index)
    {
        return file.resolveSibling(file.getFileName() + "." + index);
    }

    private void open() throws IOException
    {
        out = new java.io.BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND, StandardOpenOption.WRITE), 1 << 16);
        size = Files.size(file);
    }

    private void flush()
    {
        try
        {
            out.flush();
        }
        catch (final IOException ex)
        {
            LOG.error("audit log {}: cannot flush: {}", file, ex.toString());
        }
    }

    /** Writes what is queued, stops the thread, closes the file. */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            if (thread.isAlive())
            {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            else
            {
                drain();
            }
            out.close();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final IOException ex)
        {
            LOG.error("audit log {}: cannot close: {}", file, ex.toString());
        }
    }
}
