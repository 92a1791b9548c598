package io.pitgun.engine;

import io.pitgun.journal.JournalEntryDescriptor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The slot keeps the event identity in a journal record's layout, which the journal stage copies as one block. */
class SlotDescriptorTest
{
    @Test
    void shouldLayOutTheEventIdentityExactlyAsTheJournalRecordDoes()
    {
        final int slot = SlotDescriptor.IDENTITY_OFFSET;
        final int record = JournalEntryDescriptor.IDENTITY_OFFSET;
        assertEquals(JournalEntryDescriptor.EVENT_ID_MSB_OFFSET - record, SlotDescriptor.EVENT_ID_MSB_OFFSET - slot);
        assertEquals(JournalEntryDescriptor.EVENT_ID_LSB_OFFSET - record, SlotDescriptor.EVENT_ID_LSB_OFFSET - slot);
        assertEquals(JournalEntryDescriptor.CONTENT_DIGEST_OFFSET - record,
            SlotDescriptor.CONTENT_DIGEST_OFFSET - slot);
        assertEquals(JournalEntryDescriptor.FRAME_ORDINAL_OFFSET - record, SlotDescriptor.FRAME_ORDINAL_OFFSET - slot);
        assertEquals(JournalEntryDescriptor.FRAME_COUNT_OFFSET - record, SlotDescriptor.FRAME_COUNT_OFFSET - slot);
        assertEquals(JournalEntryDescriptor.IDENTITY_LENGTH,
            SlotDescriptor.FRAME_COUNT_OFFSET + Integer.BYTES - SlotDescriptor.IDENTITY_OFFSET);
    }
}
