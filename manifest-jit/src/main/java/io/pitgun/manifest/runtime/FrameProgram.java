package io.pitgun.manifest.runtime;

/**
 * The per-frame work of a compiled manifest: derived channels, {@code where} filters and the state of the time
 * functions. The engine's loop, for one source, is:
 *
 * <pre>{@code
 * in.clear();
 * in.timestampUs(frame.timestampUs());
 * for each sample of a channel the plan reads: in.putDouble/putLong/putBoolean(plan slot, value);
 * if (program.onFrame(in, out)) {
 *     emit the input samples the plan keeps, and each derived slot of out that is present
 * }
 * }</pre>
 *
 * <p>Guarantees: {@code onFrame} allocates nothing, throws nothing for any input values (NaN, infinities,
 * absent channels, division by zero) and is deterministic: the same frames in the same order give bit-identical
 * output on every JVM, because all math goes through {@link StrictMath} or exactly rounded operations.
 * Implementations are not thread-safe: one instance per source stream.
 */
public interface FrameProgram
{
    /**
     * Runs the manifest over one frame.
     *
     * @param in  the frame's input channels, in the plan's input slots.
     * @param out receives every derived channel computed before the frame was dropped, present or absent.
     * @return false when a {@code where} filter dropped the frame (then {@code out} must be ignored).
     */
    boolean onFrame(FrameValues in, FrameValues out);

    /** Forgets all state of the time functions, as before the first frame (e.g. at a session start). */
    void reset();
}
