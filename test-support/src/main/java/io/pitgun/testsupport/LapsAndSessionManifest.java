package io.pitgun.testsupport;

/**
 * A pipeline manifest that summarises each lap and the session, short but for the laps the session summary lists,
 * and outputs insights only: with enough laps (40) the session summary is longer than the least subscriber buffer
 * ({@code SUBSCRIBER_BUFFER_BYTES} 4096) carries, and the gateway closes its live subscribers 1011
 * {@code output too long: …}.
 */
public final class LapsAndSessionManifest
{
    /** The manifest's YAML text. */
    public static final String YAML = String.join("\n",
        "version: v1", "name: laps-and-session", "pipeline:",
        "  - type: segment", "    by: lap", "    aggregates:", "      - channel: Speed", "        stats: [max]",
        "  - type: segment", "    by: session", "    aggregates:", "      - channel: Speed", "        stats: [max]",
        "  - type: output", "    contracts: [insight-contract/v1]", "");

    private LapsAndSessionManifest()
    {
    }
}
