/**
 * Reading the engine's {@code insight-contract/v1} documents back (the engine writes them in
 * {@code io.pitgun.engine.InsightWriter}): {@link io.pitgun.engine.insight.LapSummary} is one {@code lap_summary},
 * {@link io.pitgun.engine.insight.LapSummaryCollector} gathers them from a pipeline subscription with an Agrona
 * agent ({@code LapSummaryAgent} under an {@code AgentRunner} and an idle strategy, failures to an error handler
 * that counts them and surfaces the first), and {@link io.pitgun.engine.insight.LapSummaryTable} prints them as
 * {@code pitgun demo} shows them.
 */
package io.pitgun.engine.insight;
