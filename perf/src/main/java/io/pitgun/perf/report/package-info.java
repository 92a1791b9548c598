/**
 * Turns one {@code bin/bench} run into {@code docs/performance.md}: {@link
 * io.pitgun.perf.report.PerformanceDocWriter} fills every block between {@code <!-- bench:NAME -->} and {@code <!--
 * /bench:NAME -->} markers ({@code MarkedBlocks}) from that run's inputs — JMH JSON results ({@code JmhResult},
 * {@code BenchTable}, with derived ratios in {@code JmhSummary} via {@code Speedup}), the demo's printout ({@code
 * DemoExcerpt}), the solver's browser run ({@code SolverBrowserTable}) and the engine's latency percentiles ({@code
 * PipelineLatencyTable}) — and fails, naming the block, when one has no data, so the prose around the blocks stays
 * as written and every figure inside them comes from the run.
 */
package io.pitgun.perf.report;
