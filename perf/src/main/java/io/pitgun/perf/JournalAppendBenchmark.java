package io.pitgun.perf;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.codecs.sbe.ValueType;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalEntryHandler;
import io.pitgun.journal.JournalPretouchAgent;
import io.pitgun.journal.JournalTailer;
import net.openhft.posix.PosixAPI;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The journal alone, one thread: {@code append} writes a 16-sample {@code TelemetryFrame} (258-byte SBE message)
 * from an off-heap buffer as an entry of its own; {@code appendBatched} writes it 64 times into one entry, as the
 * engine's journal stage does under load (one entry per Disruptor batch);
 * {@code read} reads entries back through a {@link JournalTailer} (zero-copy view, one field touched);
 * {@code freshPage} is what the machine charges a growing journal for each new 4 KiB page of its memory-mapped file
 * when the appender's first write traps (the page fault, the kernel zeroing a page-cache page, and on a VM the
 * hypervisor backing guest memory touched for the first time); {@code freshPagePopulated} is the same page
 * populated the way the journal's pretoucher does it, {@code madvise(MADV_POPULATE_WRITE)} 256 KiB at a time. One
 * of the two is paid for every page a journal grows by, on some thread. Run with {@code -prof gc} for
 * {@code gc.alloc.rate.norm}. The append journal is deleted after every iteration so that a run does not fill the
 * disk; the files live in the default temp directory.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JournalAppendBenchmark
{
    /** Frames per entry in {@link #appendBatched}: the most one entry holds. */
    static final int BATCH = JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY;

    static final int SAMPLES = 16;
    static final int READ_ENTRIES = 1_000_000;

    /** A fresh journal per iteration and the frame to append. */
    @State(Scope.Thread)
    public static class AppendState
    {
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        int length;
        long ingestTimeNs;
        Path directory;
        Journal journal;
        JournalAppender appender;

        @Setup(Level.Trial)
        public void encode()
        {
            length = encodeFrame(frame, 1);
        }

        @Setup(Level.Iteration)
        public void open() throws IOException
        {
            directory = Files.createTempDirectory("pitgun-journal-bench");
            journal = Journal.open(JournalConfig.of(directory));
            appender = journal.appender();
        }

        @TearDown(Level.Iteration)
        public void close()
        {
            journal.close();
            deleteRecursively(directory);
        }
    }

    /**
     * One sparse file that only grows over the trial, as a journal's cycle file does, so that every op writes to a
     * page that was never written: kept until the trial ends, because freeing and reusing memory is far cheaper than
     * what a journal that keeps its data pays.
     */
    @State(Scope.Thread)
    public static class FreshPages
    {
        /** Bytes of the pages measured (x86-64 Linux base pages). */
        public static final int PAGE_BYTES = 4096;
        static final int CHUNK_BYTES = 1 << 30;
        /** Pages per madvise call: the journal pretoucher's step. */
        static final int POPULATE_PAGES = JournalPretouchAgent.STEP_BYTES / PAGE_BYTES;

        final PosixAPI posix = PosixAPI.posix();

        Path file;
        FileChannel channel;
        MappedByteBuffer chunk;
        long chunkStart;
        int offset;

        @Setup(Level.Trial)
        public void open() throws IOException
        {
            file = Files.createTempFile("pitgun-fresh-pages", ".bin");
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            chunk = channel.map(FileChannel.MapMode.READ_WRITE, 0, CHUNK_BYTES);
        }

        /** Writes one byte into the next page never written. */
        void touchNext() throws IOException
        {
            nextChunkIfUsedUp();
            chunk.put(offset, (byte)1);
            offset += PAGE_BYTES;
        }

        /** Populates the next {@value #POPULATE_PAGES} pages never written, as the pretoucher does. */
        void populateNext() throws IOException
        {
            nextChunkIfUsedUp();
            final int length = JournalPretouchAgent.STEP_BYTES;
            if (posix.madvise(BufferUtil.address(chunk) + offset, length, JournalPretouchAgent.MADV_POPULATE_WRITE) != 0)
            {
                throw new IllegalStateException("madvise(MADV_POPULATE_WRITE) failed: errno " + posix.lastError());
            }
            offset += length;
        }

        /** Maps the file's next gigabyte when this one is used up (the old one stays in the page cache). */
        private void nextChunkIfUsedUp() throws IOException
        {
            if (offset == CHUNK_BYTES)
            {
                IoUtil.unmap(chunk);
                chunkStart += CHUNK_BYTES;
                chunk = channel.map(FileChannel.MapMode.READ_WRITE, chunkStart, CHUNK_BYTES);
                offset = 0;
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException
        {
            IoUtil.unmap(chunk);
            channel.close();
            Files.delete(file);
        }
    }

    /** A journal of {@value #READ_ENTRIES} frames, read round and round. */
    @State(Scope.Thread)
    public static class ReadState implements JournalEntryHandler
    {
        Path directory;
        Journal journal;
        JournalTailer tailer;
        long firstIndex;
        long checksum;

        @Setup(Level.Trial)
        public void fill() throws IOException
        {
            directory = Files.createTempDirectory("pitgun-journal-bench");
            final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
            try (Journal writer = Journal.open(JournalConfig.of(directory)))
            {
                final JournalAppender appender = writer.appender();
                for (int n = 0; n < READ_ENTRIES; n++)
                {
                    appender.append(frame, 0, encodeFrame(frame, n), n);
                }
            }
            journal = Journal.open(JournalConfig.readOnly(directory));
            tailer = journal.tailer();
            firstIndex = journal.firstIndex();
        }

        @TearDown(Level.Trial)
        public void close()
        {
            journal.close();
            deleteRecursively(directory);
        }

        @Override
        public void onEntry(
            final long index, final DirectBuffer buffer, final int offset, final int length, final long ingestTimeNs)
        {
            checksum += buffer.getLong(offset + FrameDescriptor.SEQUENCE, FrameDescriptor.ORDER) + length;
        }
    }

    @Benchmark
    public long append(final AppendState state)
    {
        return state.appender.append(state.frame, 0, state.length, state.ingestTimeNs++);
    }

    /**
     * One journal entry holding {@value #BATCH} frames, as the engine's journal stage writes under load (one entry
     * per Disruptor batch); one op is one frame.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long appendBatched(final AppendState state)
    {
        final JournalAppender appender = state.appender;
        appender.begin();
        for (int i = 0; i < BATCH; i++)
        {
            appender.add(state.frame, 0, state.length, state.ingestTimeNs++);
        }
        return appender.commit();
    }

    @Benchmark
    public long read(final ReadState state)
    {
        if (!state.tailer.readNext(state))
        {
            state.tailer.moveToIndex(state.firstIndex);
        }
        return state.checksum;
    }

    /** One op is the first write to one 4 KiB page of a growing memory-mapped file. */
    @Benchmark
    public void freshPage(final FreshPages state) throws IOException
    {
        state.touchNext();
    }

    /** One op is one 4 KiB page of a growing memory-mapped file populated by madvise, 64 pages per call. */
    @Benchmark
    @OperationsPerInvocation(FreshPages.POPULATE_PAGES)
    public void freshPagePopulated(final FreshPages state) throws IOException
    {
        state.populateNext();
    }

    static int encodeFrame(final UnsafeBuffer buffer, final long sequence)
    {
        final TelemetryFrameEncoder frame = new TelemetryFrameEncoder();
        frame.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        frame.sessionId().mostSigBits(0x3f2b8c1e0d4a4b7eL).leastSigBits(0x9c551a2b3c4d5e6fL);
        frame.producerId().mostSigBits(42).leastSigBits(7);
        frame.sequence(sequence).timestampUs(1_790_000_000_000_000L + sequence * 1_000).sourceId(1).lapNumber(3)
            .sector((short)2);
        final TelemetryFrameEncoder.SamplesEncoder samples = frame.samplesCount(SAMPLES);
        for (int id = 1; id <= SAMPLES; id++)
        {
            samples.next().value(Double.doubleToLongBits(id * 10.5f)).parameterId(id).valueType(ValueType.F32)
                .quality(SignalQuality.GOOD);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + frame.encodedLength();
    }

    static void deleteRecursively(final Path directory)
    {
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : (Iterable<Path>)files.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.delete(file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
