package io.pitgun.testsupport;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Damages a closed journal's cycle file the way a black-box tester did: finds the data records by walking
 * Chronicle's record headers (a 4-byte little-endian word: length in the low 30 bits, 0x40000000 metadata,
 * 0x80000000 not complete; records 4-byte aligned) and zeroes one header, marks one as metadata, or cuts the file.
 */
public final class DamagedJournal
{
    private static final int LENGTH_MASK = (1 << 30) - 1;
    private static final int METADATA = 0x4000_0000;
    /** The cycle marker's content: magic "PGPE" (little endian), then a Chronicle index (CycleMarker). */
    private static final int MARKER_MAGIC = 0x45504750;
    private static final int MARKER_LENGTH = Integer.BYTES + Long.BYTES;

    private DamagedJournal()
    {
    }

    /** The journal's only (or first) cycle file. */
    public static Path cycleFile(final Path journalDirectory) throws IOException
    {
        try (Stream<Path> files = Files.list(journalDirectory))
        {
            return files.filter(file -> file.toString().endsWith(".cq4")).sorted().findFirst().orElseThrow();
        }
    }

    /** File offsets of the headers of the data records (journal entries), in order. */
    public static List<Long> dataRecordOffsets(final Path cycleFile) throws IOException
    {
        return recordOffsets(read(cycleFile), false);
    }

    /** File offsets of the headers of the records that are metadata ({@code metadata}) or data, in order. */
    private static List<Long> recordOffsets(final ByteBuffer bytes, final boolean metadata)
    {
        final List<Long> offsets = new ArrayList<>();
        int position = 0;
        while (position + Integer.BYTES <= bytes.limit())
        {
            final int header = bytes.getInt(position);
            final int length = header & LENGTH_MASK;
            if (length == 0)
            {
                break;
            }
            if (((header & METADATA) != 0) == metadata)
            {
                offsets.add((long)position);
            }
            position = (position + Integer.BYTES + length + 3) & ~3;
        }
        return offsets;
    }

    private static ByteBuffer read(final Path cycleFile) throws IOException
    {
        return ByteBuffer.wrap(Files.readAllBytes(cycleFile)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Zeroes the header of the {@code n}th data record (0 is the first entry). */
    public static void zeroHeader(final Path journalDirectory, final int n) throws IOException
    {
        final Path file = cycleFile(journalDirectory);
        write(file, dataRecordOffsets(file).get(n), new byte[4]);
    }

    /** Sets the metadata bit of the {@code n}th data record's header (its byte 3: 0x00 becomes 0x40). */
    public static void markMetadata(final Path journalDirectory, final int n) throws IOException
    {
        final Path file = cycleFile(journalDirectory);
        final long offset = dataRecordOffsets(file).get(n);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset + 3);
            final int top = raf.read();
            raf.seek(offset + 3);
            raf.write(top | 0x40);
        }
    }

    /** Cuts the cycle file inside the {@code n}th data record (10 bytes after its header starts). */
    public static void cutInside(final Path journalDirectory, final int n) throws IOException
    {
        final Path file = cycleFile(journalDirectory);
        final long offset = dataRecordOffsets(file).get(n);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(offset + 10);
        }
    }

    /** The journal's last cycle file: where appends go, and what a writable open checks. */
    public static Path lastCycleFile(final Path journalDirectory) throws IOException
    {
        try (Stream<Path> files = Files.list(journalDirectory))
        {
            return files.filter(file -> file.toString().endsWith(".cq4")).max(Path::compareTo).orElseThrow();
        }
    }

    /**
     * Renames the journal's last cycle file (this hour's, of an hourly journal) to the name of the hour {@code hours}
     * before, and deletes {@code metadata.cq4t}, which records it under its old name: Chronicle takes a file's cycle
     * from its name, so the next writable open appends to a new file of this hour, and a test has a journal of several
     * cycle files without waiting hours. The positions of the entries moved change with their cycle.
     *
     * @return the file's new path.
     */
    public static Path moveLastCycleFileBack(final Path journalDirectory, final int hours) throws IOException
    {
        final Path current = lastCycleFile(journalDirectory);
        final DateTimeFormatter hourly = DateTimeFormatter.ofPattern("yyyyMMdd-HH'F.cq4'");
        final Instant hour = LocalDateTime.parse(current.getFileName().toString(), hourly).toInstant(ZoneOffset.UTC);
        final Path before = journalDirectory.resolve(hourly.withZone(ZoneOffset.UTC)
            .format(hour.minus(Duration.ofHours(hours))));
        Files.move(current, before);
        Files.delete(journalDirectory.resolve("metadata.cq4t"));
        return before;
    }

    /**
     * Sets what the marker of {@code cycleFile} (the metadata record after its first entry: magic "PGPE", then the
     * Chronicle index of the entry written before the file's first) names to {@code chronicleIndex}: a marker as a
     * writer that read another appender's later entry left it (the race of the build before
     * {@code JournalCycleMarkerRaceTest}).
     */
    public static void setCycleMarker(final Path cycleFile, final long chronicleIndex) throws IOException
    {
        final ByteBuffer bytes = read(cycleFile);
        for (final long offset : recordOffsets(bytes, true))
        {
            final int position = (int)offset;
            if ((bytes.getInt(position) & LENGTH_MASK) == MARKER_LENGTH &&
                bytes.getInt(position + Integer.BYTES) == MARKER_MAGIC)
            {
                write(cycleFile, offset + 2 * Integer.BYTES, ByteBuffer.allocate(Long.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN).putLong(chronicleIndex).array());
                return;
            }
        }
        throw new IllegalStateException(cycleFile + " has no cycle marker");
    }

    /**
     * Sets the record format (the int32 after the message count, {@code JournalEntryDescriptor.FORMAT_OFFSET}) of the
     * last data record of the journal's last cycle file to {@code format}: an entry as a build that writes a newer
     * format leaves it, seen by this one (a rollback).
     *
     * @return the file offset of that record's header, for {@link #setRecordFormat}.
     */
    public static long setLastRecordFormat(final Path journalDirectory, final int format) throws IOException
    {
        final Path file = lastCycleFile(journalDirectory);
        final List<Long> offsets = dataRecordOffsets(file);
        final long offset = offsets.get(offsets.size() - 1);
        setRecordFormat(file, offset, format);
        return offset;
    }

    /** Sets the record format of the entry whose record header is at {@code recordOffset} of {@code cycleFile}. */
    public static void setRecordFormat(final Path cycleFile, final long recordOffset, final int format)
        throws IOException
    {
        // Chronicle's 4-byte record header, then the entry: message count (int32), record format (int32).
        write(cycleFile, recordOffset + Integer.BYTES + Integer.BYTES,
            ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(format).array());
    }

    private static void write(final Path file, final long offset, final byte[] bytes) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            raf.write(bytes);
        }
    }
}
