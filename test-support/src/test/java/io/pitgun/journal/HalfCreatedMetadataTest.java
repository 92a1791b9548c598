package io.pitgun.journal;

import io.pitgun.testsupport.HalfCreatedJournal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal whose {@code metadata.cq4t} a killed process left half-created (Chronicle's first header marked "not
 * complete" and never completed, made here with Chronicle's own {@code writeFirstHeader}) opens for writing, keeps
 * the entries its cycle files hold, and is refused at once, with the reason, when opened read-only before that.
 * Before the repair every open of such a journal failed after Chronicle's 10 s lock timeout.
 * <p>
 * It lives in test-support, in the journal's package, because the half-created state is made by
 * {@link HalfCreatedJournal}, which the process tests share, and the journal module cannot depend on test-support.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HalfCreatedMetadataTest
{
    @TempDir
    Path dir;

    @Test
    void shouldOpenForWritingAJournalWhoseMetadataAKilledCreatorLeftHalfWritten() throws IOException
    {
        final Path journalDir = dir.resolve("journal");
        HalfCreatedJournal.leaveMetadataHalfCreated(journalDir);

        final List<Long> written = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            assertEquals(Journal.NO_INDEX, journal.lastIndex());
            written.addAll(append(journal, 3));
        }
        assertEquals(written, readAll(journalDir));
    }

    @Test
    void shouldKeepTheCycleFilesEntriesWhenTheMetadataIsRepaired() throws IOException
    {
        final Path journalDir = dir.resolve("journal");
        final List<Long> written = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            written.addAll(append(journal, 5));
        }
        // The metadata is created again while the cycle files stay, and its creator is killed half-way.
        Files.delete(HalfCreatedJournal.metadata(journalDir));
        HalfCreatedJournal.leaveMetadataHalfCreated(journalDir);

        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            assertEquals(written.get(written.size() - 1), journal.lastIndex());
            written.addAll(append(journal, 2));
        }
        assertEquals(written, readAll(journalDir));
    }

    @Test
    void shouldRefuseAReadOnlyOpenOfAHalfCreatedMetadataAtOnceNamingTheCause() throws IOException
    {
        final Path journalDir = dir.resolve("journal");
        final Path metadata = HalfCreatedJournal.leaveMetadataHalfCreated(journalDir);

        final JournalException refused =
            assertThrows(JournalException.class, () -> Journal.open(JournalConfig.readOnly(journalDir)).close());
        assertTrue(refused.getMessage().contains(metadata.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("killed while creating it"), refused.getMessage());
        assertTrue(HalfCreatedJournal.isHalfCreated(journalDir), "a read-only open wrote to the file");
    }

    @Test
    void shouldLeaveACompleteMetadataFileAsItIs() throws IOException
    {
        final Path journalDir = dir.resolve("journal");
        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            append(journal, 1);
        }
        final Path metadata = HalfCreatedJournal.metadata(journalDir);
        final byte[] before = Files.readAllBytes(metadata);

        assertFalse(HalfCreatedMetadata.repair(journalDir));
        HalfCreatedMetadata.requireComplete(journalDir);
        assertArrayEquals(before, Files.readAllBytes(metadata));
    }

    /**
     * A live creator's file before its mark (empty, shorter than a header, or sized and still zero): Chronicle waits
     * for that itself. Taking it for a killed creator's refused read-only opens that raced a journal's creation.
     */
    @Test
    void shouldLeaveToChronicleAMetadataFileNotYetMarked() throws IOException
    {
        for (final byte[] content : new byte[][] {new byte[0], new byte[2], new byte[64 << 10]})
        {
            final Path journalDir = Files.createDirectories(dir.resolve("journal-" + content.length));
            final Path metadata = HalfCreatedJournal.metadata(journalDir);
            Files.write(metadata, content);

            HalfCreatedMetadata.requireComplete(journalDir);
            assertFalse(HalfCreatedMetadata.repair(journalDir), content.length + " bytes");
            assertArrayEquals(content, Files.readAllBytes(metadata));
            final List<Long> written;
            try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
            {
                written = append(journal, 1);
            }
            assertEquals(written, readAll(journalDir));
        }
    }

    private static List<Long> append(final Journal journal, final int count)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
        final List<Long> indices = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            frame.putInt(0, i);
            indices.add(journal.appender().append(frame, 0, frame.capacity(), i));
        }
        return indices;
    }

    private static List<Long> readAll(final Path journalDir)
    {
        final List<Long> indices = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir));
             JournalTailer tailer = journal.tailer())
        {
            while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) -> indices.add(index)))
            {
                // every entry's index
            }
        }
        return indices;
    }
}
