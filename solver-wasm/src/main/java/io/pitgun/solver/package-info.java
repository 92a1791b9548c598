/**
 * The Monte Carlo race-strategy solver: a {@code risk-analysis-request/v1} document in, a
 * {@code simulation-result/v1} document out.
 *
 * <p>Everything in this package compiles with TeaVM to WebAssembly and gives bit-identical results there:
 * randomness comes from {@link io.pitgun.solver.SplitMix64}, arithmetic is limited to exactly rounded
 * IEEE 754 operations ({@code + - * /}, comparisons, {@code sqrt}), and JSON numbers are read and printed by
 * {@link io.pitgun.solver.json}. Each scenario has its own random stream derived from the seed and its
 * index, and results are stored per scenario and reduced in scenario order, so the output does not depend
 * on how scenarios are split into chunks or threads ({@link io.pitgun.solver.ParallelSolver} is the JVM-only
 * multi-threaded driver).
 */
package io.pitgun.solver;
