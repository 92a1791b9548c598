package io.pitgun.f1;

import java.util.Locale;

/**
 * Why the UDP source dropped a packet (or, for {@link #RING_FULL}, {@link #FRAME_REFUSED} and {@link #NO_SAMPLES}, a
 * frame). Each is counted; none stops the source. New reasons are added at the end: the ordinal is the key of the
 * reason's counter. A frame dropped leaves its sequence number unused, so a gap in a stream's sequences is a frame
 * counted under one of those three.
 */
public enum F1DropReason
{
    /** Shorter than the header, or than its packet id's layout. */
    TRUNCATED,
    /** Longer than its packet id's layout (or than any F1 packet). */
    OVERSIZED,
    /** A {@code packetFormat} other than 2025 or 2024 (a big-endian writer's 2025 reads as 59655). */
    WRONG_FORMAT,
    /** A packet id the F1 25 specification does not define (16 and above). */
    UNKNOWN_PACKET_ID,
    /** Its {@code overallFrameIdentifier} is below the last one of its packet id in the same session. */
    OUT_OF_ORDER,
    /** The player's car index is not 0..21 (spectating, or a broken packet), so the player's car is unknown. */
    BAD_CAR_INDEX,
    /** A frame found the ring full and was dropped (the pipeline counts it as well). */
    RING_FULL,
    /** The pipeline refused to take the frame (it is closing); logged. */
    PIPELINE_REFUSED,
    /**
     * A {@code sessionTime} that is not a number, negative or beyond a day: the frame's time would fall outside the
     * contract's range (a forged or broken datagram).
     */
    BAD_TIME,
    /**
     * A packet of a session the game already ended ({@code SEND}): its streams are closed, and starting them again
     * would journal a second session with the same id whose sequences restart at 0 (the game keeps sending while
     * it shows the results).
     */
    AFTER_SESSION_END,
    /**
     * A frame (not a packet) the pipeline refused, outside a tuning policy's reject limit; the pipeline counts it by
     * its reason too. The packet's other cars' frames go on.
     */
    FRAME_REFUSED,
    /**
     * A frame (not a packet) none of whose values is within its channel's range (each counted as a sample out of
     * range): a frame holds 1 to 256 samples, so there is none to journal. Before, it left a gap in the stream's
     * sequences that no drop counted.
     */
    NO_SAMPLES;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The reason as {@code /metrics} and {@code pitgun stat} show it, e.g. {@code out_of_order}. */
    public String label()
    {
        return label;
    }
}
