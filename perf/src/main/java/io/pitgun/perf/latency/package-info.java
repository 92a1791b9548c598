/**
 * Reads and plots HdrHistogram latency files ({@code pitgun report latency}, {@code pitgun demo}):
 * {@link io.pitgun.perf.latency.PercentileDistribution} reads a percentile table ({@code .hgrm}) or an interval log
 * ({@code .hlog}), {@link io.pitgun.perf.latency.PercentilePlotSvg} draws distributions on HdrHistogram's percentile
 * axis and {@link io.pitgun.perf.latency.LatencyReportPage} puts the plot and a table in one self-contained HTML
 * page. The files are written by {@link io.pitgun.engine.HdrFiles} (module engine, shared with the gateway's
 * {@code GET /latency}). No JMH here: the CLI runs these classes.
 */
package io.pitgun.perf.latency;
