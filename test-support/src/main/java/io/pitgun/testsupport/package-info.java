/**
 * What the modules' tests share, as Aeron's {@code aeron-test-support}: {@link io.pitgun.testsupport.Await} (the one
 * bounded wait for a condition), {@link io.pitgun.testsupport.HeldThreads} (a thread factory that holds pipeline
 * stages until released), {@link io.pitgun.testsupport.JournaledFrames} (reads the telemetry frames of a journal
 * directory after a run), {@link io.pitgun.testsupport.EnvelopeJson} (envelopes of synthetic runs),
 * {@link io.pitgun.testsupport.HalfCreatedJournal} (a journal as a process killed while creating its metadata leaves
 * it) and {@link io.pitgun.testsupport.WebSocketMessages} (a WebSocket client listener that collects whole text
 * messages, pongs and the close).
 * <p>
 * A test-scoped dependency only (root pom), below {@code engine} in the reactor so that the dependency graph stays
 * one-way: it knows the journal and the codecs, not the engine or the gateway. The real-gateway harnesses stay
 * beside the tests that need their module's main classes ({@code ingress-netty}'s in-process
 * {@code GatewayHarness}, {@code system-tests}' child-JVM {@code GatewayProcess}) and share what is here.
 */
package io.pitgun.testsupport;
