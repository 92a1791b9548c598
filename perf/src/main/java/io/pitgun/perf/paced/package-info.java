/**
 * The paced (open-loop) latency benchmark of the embedded pipeline, next to a bare Chronicle Queue append of the same
 * bytes at the same rates ({@link io.pitgun.perf.paced.PacedLatencyMain}): {@link io.pitgun.perf.paced.OpenLoop} sends
 * on a {@link io.pitgun.perf.paced.PacedSchedule} and measures from each frame's intended time (coordinated omission
 * corrected), {@link io.pitgun.perf.paced.PacedConfiguration#all()} lists the configurations measured, and
 * {@link io.pitgun.perf.paced.PacedLatencyReport} writes the block of {@code docs/performance.md} with its verdict.
 */
package io.pitgun.perf.paced;
