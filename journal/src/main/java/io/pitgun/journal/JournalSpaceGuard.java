package io.pitgun.journal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses journal appends before the file system under the journal runs out of space, so that no append ever
 * writes into a page the kernel cannot back.
 * <p>
 * Why: the queue files are sparse, memory-mapped files. A store into a page that the file system cannot allocate
 * (disk or tmpfs full) raises {@code SIGBUS}; the JVM turns it into a {@link InternalError} that may surface
 * <em>after</em> the Chronicle document was committed, leaving an entry whose bytes are not there — acknowledged
 * frames lost, and the readers stuck at a damaged entry. Detecting "out of space" before the write is the only
 * reliable point, so the appender asks {@link #hasRoomFor} before every entry and stops (keeping the batch) when
 * the free space would drop below {@link #minFreeBytes()}.
 * <p>
 * How it stays cheap: the usable space ({@link FileStore#getUsableSpace()}, one {@code statvfs} call) is measured
 * every {@link #REFRESH_INTERVAL_NS} ns by whichever thread asks first (a CAS elects it); in between, each
 * appended entry's size is subtracted from the measured value, so the estimate errs on the safe side: pages the
 * pretoucher already allocated are counted twice. The estimate only ever answers "room": when it says there is
 * none and something was appended since the last measurement, the file system is measured again at once, so a
 * refusal (and {@link #isShort()}, which the gateway reports) rests on a measurement, never on the double count.
 * Without that, a journal near its headroom refused appends for up to an interval while the file system had room,
 * and a moment later reported it was not short. The headroom must cover what other writers and Chronicle's own
 * index pages take in one interval. A measurement trusts {@code statvfs} to count mapped pages as soon as they are
 * written, as tmpfs, ext4 and XFS do; on a file system where it lags (ZFS until its next transaction group, NFS),
 * raise the headroom by what the journal writes in that lag.
 * <p>
 * The appender's side costs no atomic instruction: it only adds to a running total of appended bytes that it alone
 * writes (a release store), and a measurement records that total as it stood when it was taken, so the estimate is
 * {@code measured - (appended now - appended then)}. A locked read-modify-write per entry (as a shared, decremented
 * estimate needs) would drain the store buffer of the thread that appends, which with {@code journal.thread:
 * producer} is the application's producer, inside every {@code commit()}.
 * <p>
 * <b>Threading:</b> {@link #onAppended} from one thread at a time (the journal's one appender); every other method
 * from any thread; lock-free.
 */
public final class JournalSpaceGuard
{
    /** Default {@link #minFreeBytes()}: two of Chronicle's 64 MiB mapped chunks would not fit in less, and the
     *  pretoucher keeps several MiB ahead of the writer. */
    public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;
    /** Longest time between two measurements of the free space. */
    public static final long REFRESH_INTERVAL_NS = 20_000_000L;
    /** A measurement that failed leaves the usable space unknown; it is then treated as this (none). */
    private static final long UNKNOWN = -1;
    private static final VarHandle APPENDED;
    private static final VarHandle MEASURED_AT;
    private static final VarHandle MEASUREMENT;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            APPENDED = lookup.findVarHandle(JournalSpaceGuard.class, "appendedBytes", long.class);
            MEASURED_AT = lookup.findVarHandle(JournalSpaceGuard.class, "measuredAtNs", long.class);
            MEASUREMENT = lookup.findVarHandle(JournalSpaceGuard.class, "measurement", Measurement.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Where the usable space comes from (the journal directory's file store; tests substitute their own). */
    @FunctionalInterface
    public interface UsableSpace
    {
        /** Bytes an unprivileged writer may still allocate. */
        long usableBytes() throws IOException;
    }

    private final UsableSpace space;
    private final long minFreeBytes;
    /** One measurement: the usable bytes, the appended total when it was taken, and when it was asked for. */
    private record Measurement(long usableBytes, long appendedBytes, long startedAtNs)
    {
    }

    private volatile Measurement measurement;
    /** Bytes appended since the guard was made: written by the appending thread only (release), read by any. */
    @SuppressWarnings("unused") // through APPENDED
    private long appendedBytes;
    private volatile long measuredAtNs;
    private volatile boolean belowHeadroom;
    private volatile String measureFailure;
    private volatile long shortEpisodes;

    /**
     * @param space        where the usable space is measured.
     * @param minFreeBytes headroom: appends are refused when they would leave less free; 0 turns the guard off.
     */
    public JournalSpaceGuard(final UsableSpace space, final long minFreeBytes)
    {
        if (minFreeBytes < 0)
        {
            throw new IllegalArgumentException("minFreeBytes: " + minFreeBytes + " is negative");
        }
        this.space = space;
        this.minFreeBytes = minFreeBytes;
        measure(System.nanoTime());
    }

    /** A guard over the file store holding {@code directory} (which must exist). */
    public static JournalSpaceGuard forDirectory(final Path directory, final long minFreeBytes)
    {
        final FileStore store;
        try
        {
            store = Files.getFileStore(directory);
        }
        catch (final IOException ex)
        {
            throw new JournalException(directory + ": cannot find the file system of the journal: " + ex, ex);
        }
        return new JournalSpaceGuard(store::getUsableSpace, minFreeBytes);
    }

    /** The headroom: appends are refused when they would leave less free space than this. */
    public long minFreeBytes()
    {
        return minFreeBytes;
    }

    /**
     * True when {@code bytes} more can be written and leave at least {@link #minFreeBytes()} free (always true
     * when the headroom is 0). Measures again first if the last measurement is older than
     * {@link #REFRESH_INTERVAL_NS}, or if the estimate has no room and entries were appended since the last
     * measurement (they may have gone into pages already allocated). Allocation-free except for the measurement.
     */
    public boolean hasRoomFor(final long bytes)
    {
        if (minFreeBytes == 0)
        {
            return true;
        }
        final long now = System.nanoTime();
        final long measuredAt = measuredAtNs;
        if (now - measuredAt >= REFRESH_INTERVAL_NS && MEASURED_AT.compareAndSet(this, measuredAt, now))
        {
            measure(now);
        }
        else if (usableBytes() - bytes < minFreeBytes && appendedSinceMeasured())
        {
            // About to say no on the estimate alone: measure first, whichever thread measures too. Waiting for the
            // CAS's winner instead would answer from the estimate while the winner's statvfs runs.
            measure(now);
        }
        final long usable = usableBytes();
        noteShort(usable);
        return usable - bytes >= minFreeBytes;
    }

    /**
     * {@link #hasRoomFor} without reading the clock when the estimate has room: for an appender whose guard another
     * thread keeps measured ({@link #refreshAhead}, the pretoucher each duty cycle), so that the appending thread
     * (with {@code journal.thread: producer}, the application's producer) pays no clock read per entry. When the
     * estimate has no room it is {@link #hasRoomFor}, which measures again (at once if anything was appended since
     * the last measurement, else when due), so space that returns is seen.
     */
    public boolean hasRoomForMeasuredAhead(final long bytes)
    {
        return minFreeBytes == 0 || usableBytes() - bytes >= minFreeBytes || hasRoomFor(bytes);
    }

    /**
     * Called by the appender after writing {@code bytes}: the estimate shrinks until the next measurement. One
     * thread at a time (the appending one); no atomic instruction.
     */
    public void onAppended(final long bytes)
    {
        if (minFreeBytes != 0)
        {
            APPENDED.setRelease(this, (long)APPENDED.getOpaque(this) + bytes);
        }
    }

    /**
     * True when the file system is below the headroom (new data should be refused), as measured: an estimate below
     * it is measured again first if anything was appended since ({@link #hasRoomFor}), and any answer when the last
     * measurement is due, so a caller polling this sees space come back within {@link #REFRESH_INTERVAL_NS}.
     */
    public boolean isShort()
    {
        return !hasRoomFor(0);
    }

    /** The usable bytes as last measured, less what was appended since; -1 if the last measurement failed. */
    public long usableBytes()
    {
        final Measurement m = measurement;
        return m.usableBytes == UNKNOWN ? UNKNOWN :
            m.usableBytes - ((long)APPENDED.getAcquire(this) - m.appendedBytes);
    }

    /**
     * How short the file system is, for messages: {@code "N bytes usable, below the headroom of M bytes"}, or, when
     * it is not below the headroom but what is to be written does not fit above it, {@code "N bytes usable, too few
     * for what is to be written above the headroom of M bytes"}; when the last measurement failed, why (the journal's
     * directory deleted or unmounted: freeing space will not help).
     */
    public String shortage()
    {
        if (usableBytes() == UNKNOWN)
        {
            return "no measurable space: " + measureFailure + " (was the journal's directory deleted or unmounted? " +
                "freeing space will not bring it back; restart the gateway once it is there again)";
        }
        final long usable = Math.max(0, usableBytes());
        return usable + " bytes usable, " + (usable < minFreeBytes ? "below the" :
            "too few for what is to be written above the") + " headroom of " + minFreeBytes + " bytes";
    }

    /** Times the free space fell below the headroom (measured, or estimated after appends). */
    public long shortEpisodes()
    {
        return shortEpisodes;
    }

    /** Why the last measurement failed, or null. A failed measurement counts as no space. */
    public String measureFailure()
    {
        return measureFailure;
    }

    /**
     * Measures now if the last measurement is at least half {@link #REFRESH_INTERVAL_NS} old: a thread other than the
     * appending one (the {@link JournalPretouchAgent}, each duty cycle) calls it so that the appender finds the
     * estimate fresh and never pays the {@code statvfs} and its few small objects itself — which matters when the
     * appending thread is the application's producer ({@code journal.thread: producer}). Any thread.
     */
    public void refreshAhead()
    {
        final long now = System.nanoTime();
        final long measuredAt = measuredAtNs;
        if (minFreeBytes != 0 && now - measuredAt >= REFRESH_INTERVAL_NS / 2 &&
            MEASURED_AT.compareAndSet(this, measuredAt, now))
        {
            measure(now);
        }
    }

    /** Forces a measurement on the next check (after an append faulted, the cached estimate is not trusted). */
    public void invalidate()
    {
        measuredAtNs = System.nanoTime() - REFRESH_INTERVAL_NS;
    }

    /** True when the estimate is not the last measurement itself: entries were appended after it was taken. */
    private boolean appendedSinceMeasured()
    {
        return (long)APPENDED.getAcquire(this) != measurement.appendedBytes;
    }

    private void measure(final long now)
    {
        // The total before the statvfs: what is appended after it is subtracted, whether the measurement saw it or not.
        final long appendedBefore = (long)APPENDED.getAcquire(this);
        long usable;
        try
        {
            usable = space.usableBytes();
            measureFailure = null;
        }
        catch (final IOException | RuntimeException ex)
        {
            usable = UNKNOWN;
            measureFailure = ex.toString();
        }
        if (publish(new Measurement(usable, appendedBefore, now)))
        {
            measuredAtNs = now;
            noteShort(usable);
        }
    }

    /**
     * Replaces the measurement unless one begun later is already in: measurements of several threads may end out of
     * order, and an older one would bring back appends the newer one had already seen counted (the double count).
     */
    private boolean publish(final Measurement next)
    {
        Measurement current;
        do
        {
            current = measurement;
            if (current != null && current.startedAtNs - next.startedAtNs > 0)
            {
                return false;
            }
        }
        while (!MEASUREMENT.compareAndSet(this, current, next));
        return true;
    }

    private void noteShort(final long usable)
    {
        final boolean nowShort = minFreeBytes != 0 && usable < minFreeBytes;
        if (nowShort != belowHeadroom)
        {
            belowHeadroom = nowShort;
            if (nowShort)
            {
                shortEpisodes++; // racy increments only under contention between measuring threads: a diagnostic
            }
        }
    }
}
