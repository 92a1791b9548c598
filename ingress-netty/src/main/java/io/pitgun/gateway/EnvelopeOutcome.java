package io.pitgun.gateway;

/**
 * What became of one envelope a request carried, named once: the {@code outcome} label of
 * {@code pitgun_gateway_envelopes_total} and the {@code state} of an {@code envelope_status} entry say the same
 * thing in the same words (docs/gateway.md, "Counting envelopes").
 */
enum EnvelopeOutcome
{
    /** Every frame of it is in the ring. */
    ACCEPTED("accepted"),
    /** Acknowledged again: an earlier request ingested it (same event id, same content). */
    DUPLICATE("duplicate"),
    /** Some of its frames are in, not all. */
    PARTIAL("partial"),
    /** Refused for what it is (a 4xx for itself, a 409): resent unchanged, it is refused again. */
    REFUSED("refused"),
    /** Nothing of it is in, refused with its request: resend it unchanged. */
    NOT_ACCEPTED("not_accepted");

    private final String label;

    EnvelopeOutcome(final String label)
    {
        this.label = label;
    }

    /** The label and state, as {@code /metrics} and answers write it. */
    String label()
    {
        return label;
    }
}
