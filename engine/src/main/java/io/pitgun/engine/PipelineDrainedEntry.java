package io.pitgun.engine;

import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.PipelineDrainedEncoder;
import io.pitgun.journal.Journal;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The journal's record of a graceful stop: a {@code PipelineDrained} control message, appended once the pipeline
 * drained (its end-of-stream slot processed: every open merge window emitted, every open lap and session
 * summarised) and after every entry it processed. A run of the journal (from a {@code ManifestLoaded} to the next)
 * that ends without one was not drained (a {@code kill -9}, a crash): its open laps were never summarised. A replay
 * drains where it reads one, as the stop did, and starts afresh at the next {@code ManifestLoaded} either way
 * ({@link ProcessingStage}), so that it derives what each run derived. Cold path.
 */
final class PipelineDrainedEntry
{
    private PipelineDrainedEntry()
    {
    }

    /**
     * Appends the entry with an appender of its own ({@link Journal#appendProvenance}).
     *
     * @param timestampUs wall-clock microseconds of the stop: for people reading the journal, never in derived output.
     * @return its journal position.
     */
    static long append(final Journal journal, final long timestampUs)
    {
        final UnsafeBuffer buffer =
            new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH + PipelineDrainedEncoder.BLOCK_LENGTH]);
        final PipelineDrainedEncoder encoder = new PipelineDrainedEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .timestampUs(timestampUs);
        return journal.appendProvenance(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(),
            System.nanoTime());
    }
}
