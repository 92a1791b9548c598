/**
 * Turns JMH's JSON results into the tables of {@code docs/performance.md}: {@link
 * io.pitgun.perf.report.PerformanceDocWriter} rewrites only the blocks between {@code <!-- bench:NAME -->} and
 * {@code <!-- /bench:NAME -->} markers, so the prose around them stays as written and every figure inside them
 * comes from a {@code bin/bench} run.
 */
package io.pitgun.perf.report;
