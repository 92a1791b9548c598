package io.pitgun.engine;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.manifest.CompiledManifest;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

/**
 * Writes the output as JSON lines: one line per derived frame (the frame object of {@link FrameJsonEncoder}, with
 * session, player and source ids) and one per insight document. Buffered in 1 MiB of direct memory.
 * <p>
 * Unless {@code output.include_restricted}, it writes what a subscriber without {@code read_restricted} receives:
 * restricted and internal channels, and channels derived from them, are left out of frames, and their lap
 * statistics out of insights ({@link ChannelAccess}, {@link InsightRedactor}): a file is copied and mailed more
 * easily than a journal.
 */
final class JsonLinesSink implements OutputSink
{
    private static final int CAPACITY = 1 << 20;
    private static final int FLUSH_AT = CAPACITY - (64 << 10);

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer direct = ByteBuffer.allocateDirect(CAPACITY);
    private final UnsafeBuffer out = new UnsafeBuffer(direct);
    private final FrameJsonEncoder encoder;
    /** Null when every insight is written as it is. */
    private final InsightRedactor redactor;
    private int position;
    private boolean closed;

    JsonLinesSink(final Path file, final ParameterRegistry registry, final FrameJsonEncoder.ChannelNames derivedNames,
        final CompiledManifest manifest, final boolean includeRestricted)
    {
        this.file = file;
        if (includeRestricted)
        {
            this.encoder = new FrameJsonEncoder(registry, derivedNames);
            this.redactor = null;
        }
        else
        {
            final ChannelAccess access = ChannelAccess.of(manifest);
            final Set<AccessLevel> publicOnly = EnumSet.of(AccessLevel.PUBLIC);
            this.encoder = new FrameJsonEncoder(registry, derivedNames, access.readableIn(publicOnly));
            final InsightRedactor insights = new InsightRedactor(manifest, access, publicOnly);
            this.redactor = insights.passesAll() ? null : insights;
        }
        try
        {
            final Path parent = file.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the JSON-lines output " + file + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        position = encoder.encodeFrame(buffer, offset, out, position, true);
        out.putByte(position++, (byte)'\n');
        if (position >= FLUSH_AT)
        {
            flush();
        }
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        if (redactor != null)
        {
            final byte[] redacted = redactor.redact(buffer, offset, length);
            writeInsight(new UnsafeBuffer(redacted), 0, redacted.length);
            return;
        }
        writeInsight(buffer, offset, length);
    }

    private void writeInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        if (position + length + 1 > CAPACITY)
        {
            flush();
        }
        if (length + 1 > CAPACITY)
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            write(ByteBuffer.wrap(copy));
            write(ByteBuffer.wrap(new byte[] { '\n' }));
            return;
        }
        out.putBytes(position, buffer, offset, length);
        position += length;
        out.putByte(position++, (byte)'\n');
        if (position >= FLUSH_AT)
        {
            flush();
        }
    }

    @Override
    public void onIdle()
    {
        if (position > 0)
        {
            flush();
        }
    }

    private void flush()
    {
        direct.clear().limit(position);
        write(direct);
        position = 0;
    }

    private void write(final ByteBuffer bytes)
    {
        try
        {
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the JSON-lines output " + file + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            if (channel.isOpen())
            {
                flush();
                channel.close();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot close the JSON-lines output " + file + ": " + ex.getMessage(), ex);
        }
    }
}
