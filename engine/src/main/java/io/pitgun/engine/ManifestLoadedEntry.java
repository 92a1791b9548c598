package io.pitgun.engine;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.ManifestLoadedEncoder;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.journal.Journal;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The journal's provenance record of a pipeline start: a {@code ManifestLoaded} control message saying which
 * manifest (SHA-256 of its text, its name), dictionary and signer (a trusted key id, or {@code unsigned}) the
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
        final String manifestName, final String dictionaryName, final String signerKeyId)
    {
        final byte[] digest = HexFormat.of().parseHex(manifestSha256Hex);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH +
            ManifestLoadedEncoder.BLOCK_LENGTH + 3 * (ManifestLoadedEncoder.manifestNameHeaderLength() + 1024)]);
        final ManifestLoadedEncoder encoder = new ManifestLoadedEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .timestampUs(timestampUs);
        for (int i = 0; i < digest.length; i++)
        {
            encoder.manifestDigest(i, (short)(digest[i] & 0xFF));
        }
        encoder.manifestName(truncated(manifestName)).dictionaryName(truncated(dictionaryName))
            .signerKeyId(truncated(signerKeyId));
        return journal.appendProvenance(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(),
            System.nanoTime());
    }

    /**
     * The dictionary a {@code ManifestLoaded} message names (the frames after it were written with it), or null when
     * the message at {@code offset} (header included, whole and valid) is another message. Cold: allocates the name.
     */
    public static String dictionaryName(final DirectBuffer buffer, final int offset)
    {
        if (FrameDescriptor.templateId(buffer, offset) != ManifestLoadedDecoder.TEMPLATE_ID)
        {
            return null;
        }
        final ManifestLoadedDecoder loaded = new ManifestLoadedDecoder().wrap(buffer,
            offset + MessageHeaderDecoder.ENCODED_LENGTH, FrameDescriptor.blockLength(buffer, offset),
            FrameDescriptor.version(buffer, offset));
        loaded.skipManifestName(); // var-data is read in schema order
        return loaded.dictionaryName();
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
