/**
 * A small, deterministic car simulator that produces the shipped sample session ({@code datasets/}).
 * <p>
 * A {@link io.pitgun.replay.sim.Circuit} (straights and corners, smoothed and closed) gives curvature, elevation,
 * sectors and DRS zones; a {@link io.pitgun.replay.sim.CarSimulator} drives a hybrid single-seater round it at
 * 100 Hz and derives every {@code sim.v1} channel from the motion; {@link io.pitgun.replay.sim.SessionCsvWriter}
 * prints the samples byte-for-byte reproducibly. Same seed, same file, on any JVM.
 */
package io.pitgun.replay.sim;
