package io.pitgun.engine;

/**
 * A frame was refused — larger than a slot, an unknown parameter id or a value outside the dictionary range
 * ({@code validate_parameters}), or not a Pitgun SBE message. Nothing of it reached any stage; the refusal is
 * counted under {@link #reason()}. Frames are never truncated.
 */
public final class FrameRejectedException extends IllegalArgumentException
{
    private final PipelineCounter reason;

    FrameRejectedException(final PipelineCounter reason, final String message)
    {
        super(message);
        this.reason = reason;
    }

    /** The counter the refusal was counted under. */
    public PipelineCounter reason()
    {
        return reason;
    }
}
