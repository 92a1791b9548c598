/**
 * The open-loop load generator behind {@code pitgun loadgen}: {@link io.pitgun.perf.loadgen.LoadgenRun} sends
 * envelopes ({@code LoadgenPayloads}) on a fixed schedule ({@code OpenLoopSchedule}) whatever the answers do, over
 * one {@code LoadgenTransport} per mode (HTTP, WebSocket text or binary), and {@code LoadgenRecorder} measures each
 * latency from the intended send time, so a stalling server is charged for every send it delayed (coordinated
 * omission corrected). {@link io.pitgun.perf.loadgen.LoadgenSweep} raises the rate until a step breaks its limits,
 * against the embedded gateway ({@link io.pitgun.perf.loadgen.SweepGateway}) and the ceiling of a bare Netty server
 * ({@link io.pitgun.perf.loadgen.BareHttpServer}): the end-to-end figures of {@code docs/performance.md}. No JMH
 * here: the CLI runs these classes, so they must not need the benchmark jar's class path.
 */
package io.pitgun.perf.loadgen;
