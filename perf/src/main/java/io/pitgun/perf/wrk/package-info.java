/**
 * The gateway under an external load tool: {@link io.pitgun.perf.wrk.GatewayWrkMain} runs {@code wrk} with the
 * script {@code wrk/envelopes.lua} (a fresh {@code event_id} per request) against {@code pitgun gateway} and a bare
 * Netty server ({@link io.pitgun.perf.wrk.BareServerMain}), each in a process of its own, point by point and
 * alternating, and checks that the gateway journaled every frame it acknowledged. {@link
 * io.pitgun.perf.wrk.WrkResult} reads what the script prints; {@link io.pitgun.perf.wrk.GatewayWrkTable} turns the
 * run's summary into the {@code GatewayWrk} block of {@code docs/performance.md} with the verdict on issue 15's
 * targets. wrk is closed-loop: its latencies are not corrected for coordinated omission (the load generator's are).
 */
package io.pitgun.perf.wrk;
