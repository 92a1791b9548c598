package io.pitgun.engine;

import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.PolicyLoadedEncoder;
import io.pitgun.engine.tuning.TuningPolicy;
import io.pitgun.journal.Journal;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.HexFormat;

/**
 * The journal's provenance record of the tuning policy a pipeline enforces: a {@code PolicyLoaded} control message
 * with the SHA-256 of the policy's text, its name and its signer (a trusted key id, or {@code unsigned}). Written
 * once per start right after the {@code ManifestLoaded} entry, before any producer can publish (cold path). The
 * processing stage passes over it, as over {@code ManifestLoaded}, so a replay's derived output does not depend on it.
 */
final class PolicyLoadedEntry
{
    private PolicyLoadedEntry()
    {
    }

    /**
     * Appends the entry with an appender of its own ({@link Journal#appendProvenance}).
     *
     * @param timestampUs wall-clock microseconds of the load: for people reading the journal, never in derived output.
     * @return its journal position.
     */
    static long append(final Journal journal, final long timestampUs, final TuningPolicy policy)
    {
        final byte[] digest = HexFormat.of().parseHex(policy.sha256());
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH +
            PolicyLoadedEncoder.BLOCK_LENGTH + 2 * (PolicyLoadedEncoder.policyNameHeaderLength() +
            ManifestLoadedEntry.MAX_STRING_BYTES)]);
        final PolicyLoadedEncoder encoder = new PolicyLoadedEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .timestampUs(timestampUs);
        for (int i = 0; i < digest.length; i++)
        {
            encoder.policyDigest(i, (short)(digest[i] & 0xFF));
        }
        encoder.policyName(ManifestLoadedEntry.truncated(policy.name()))
            .signerKeyId(ManifestLoadedEntry.truncated(policy.signerKeyId()));
        return journal.appendProvenance(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(),
            System.nanoTime());
    }
}
