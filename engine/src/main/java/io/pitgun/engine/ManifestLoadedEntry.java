package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.sbe.ManifestLoadedEncoder;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.journal.Journal;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The journal's provenance record of a pipeline start: a {@code ManifestLoaded} control message saying which
 * manifest (SHA-256 of its text, its name), dictionary (its name and the SHA-256 of its meaning, read back by
 * {@code RecordedDictionary}) and signer (a trusted key id, or {@code unsigned}) the
 * frames journaled after it were derived with. {@code pitgun journal stats} counts these, {@code journal dump}
 * prints them. The processing stage passes over the message, so a replay's derived output does not depend on it.
 * Written once per start, before any producer can publish (cold path).
 */
public final class ManifestLoadedEntry
{
    private ManifestLoadedEntry()
    {
    }

    /**
     * Appends the entry with an appender of its own ({@link Journal#appendProvenance}).
     *
     * @param timestampUs wall-clock microseconds of the load: for people reading the journal, never in derived output.
     * @return its journal position.
     */
    static long append(final Journal journal, final long timestampUs, final String manifestSha256Hex,
        final String manifestName, final ParameterRegistry dictionary, final String signerKeyId)
    {
        final byte[] digest = HexFormat.of().parseHex(manifestSha256Hex);
        final byte[] dictionaryDigest = HexFormat.of().parseHex(dictionary.meaningSha256Hex());
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH +
            ManifestLoadedEncoder.BLOCK_LENGTH + 3 * (ManifestLoadedEncoder.manifestNameHeaderLength() + 1024)]);
        final ManifestLoadedEncoder encoder = new ManifestLoadedEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .timestampUs(timestampUs);
        for (int i = 0; i < digest.length; i++)
        {
            encoder.manifestDigest(i, (short)(digest[i] & 0xFF));
        }
        for (int i = 0; i < dictionaryDigest.length; i++)
        {
            encoder.dictionaryMeaningDigest(i, (short)(dictionaryDigest[i] & 0xFF));
        }
        encoder.manifestName(truncated(manifestName)).dictionaryName(truncated(dictionary.name()))
            .signerKeyId(truncated(signerKeyId));
        return journal.appendProvenance(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(),
            System.nanoTime());
    }

    /** The most bytes a var-data field holds (the schema's maxValue). */
    static final int MAX_STRING_BYTES = 1024;

    /**
     * {@code text}, cut to fit a var-data field (a name is never that long, but an entry must never fail on one);
     * the control entries' one rule ({@link PolicyLoadedEntry} too).
     */
    static String truncated(final String text)
    {
        String t = text;
        while (t.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES)
        {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }
}
