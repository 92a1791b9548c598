/**
 * Pitgun's codecs: everything that turns telemetry from one representation into another, with no I/O and no
 * threads.
 * <ul>
 *   <li>{@code io.pitgun.codecs.sbe} — the SBE codecs generated at build time from
 *   {@code src/main/resources/sbe/pitgun-frames.xml}, the public binary contract: {@code TelemetryFrame} (session,
 *   producer, source, sequence, timestamp, lap, sector, flags, a group of samples) and the journal's control
 *   messages ({@code SessionStart}, {@code SessionEnd}, {@code ManifestLoaded},
 *   {@code PolicyLoaded}, {@code PipelineDrained}).</li>
 *   <li>{@link io.pitgun.codecs.frame} — where a message's fields lie ({@code FrameDescriptor}), reading one at
 *   its acting lengths ({@code FrameFlyweight}) and the one rule of a valid message ({@code FrameValidator}).</li>
 *   <li>{@link io.pitgun.codecs.dictionary} — the canonical dictionary model ({@code ParameterRegistry}).</li>
 *   <li>{@link io.pitgun.codecs.envelope} — the zero-allocation {@code pitgun-envelope-v1} JSON → SBE decoder.</li>
 *   <li>{@link io.pitgun.codecs.json} — SBE frame → JSON, for dumps and live subscribers.</li>
 * </ul>
 * Nothing here knows about Netty, the Disruptor or the journal.
 */
package io.pitgun.codecs;
