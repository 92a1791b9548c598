package io.pitgun.schemas.signing;

import java.util.concurrent.atomic.LongAdder;

/**
 * Every signature refusal of this process, by reason: {@link SignatureVerifier} records each one it throws, whoever
 * asked (a gateway's MANIFEST or TUNING_POLICY, an embedded pipeline's {@code trust}, a replay, {@code insight
 * verify}). The gateway exports them as {@code pitgun_signature_refusals_total{reason="..."}}. Process-wide because
 * a refusal usually stops what asked for the check before it has counters of its own: a gateway refused its manifest
 * never starts, while the process that embeds it, and its other pipelines, go on. Cold path (once per load).
 */
public final class SignatureRefusalCounts
{
    private static final LongAdder[] COUNTS = new LongAdder[SignatureRefusal.values().length];

    static
    {
        for (int i = 0; i < COUNTS.length; i++)
        {
            COUNTS[i] = new LongAdder();
        }
    }

    private SignatureRefusalCounts()
    {
    }

    /** Counts one refusal for {@code refusal}. */
    static void record(final SignatureRefusal refusal)
    {
        COUNTS[refusal.ordinal()].increment();
    }

    /** The refusals for {@code refusal} since this process started. */
    public static long count(final SignatureRefusal refusal)
    {
        return COUNTS[refusal.ordinal()].sum();
    }
}
