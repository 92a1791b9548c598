/**
 * The Pitgun gateway: a Netty HTTP/1.1 + WebSocket ingress in front of an embedded engine pipeline.
 *
 * <p>Owns: configuration from {@code PITGUN_GATEWAY_*} and {@code pitgun gateway} flags
 * ({@link io.pitgun.gateway.GatewayConfig}, {@link io.pitgun.gateway.GatewaySetting}), the event-loop transport
 * choice (epoll or NIO), routing ({@link io.pitgun.gateway.GatewayHttpHandler}) and answers ({@code /beacon}
 * ({@link io.pitgun.gateway.BeaconEndpoint}), {@code /ws} ({@link io.pitgun.gateway.WebSocketUpgrade}),
 * {@code /health}, {@code /metrics}, {@code /latency} ({@link io.pitgun.gateway.LatencyExport}), {@code /dictionary},
 * {@code /schemas}, {@code /solver/} ({@link io.pitgun.gateway.AdminEndpoints})), one ingest path for HTTP and
 * WebSocket ({@link io.pitgun.gateway.IngestPath}), body splitting, decoding envelopes on the event loop
 * and publishing their frames into the ring, back-pressure (ingestion queue, ring, per-client token buckets),
 * idempotent retries ({@link io.pitgun.gateway.IdempotencyWindow}), journaled acknowledgement without blocking or
 * reading the journal on the event loop ({@link io.pitgun.gateway.JournalTailReader}), live subscribers, the
 * audit log, the Prometheus exposition and graceful shutdown.
 * {@link io.pitgun.gateway.GatewayServer} is the entry point; {@code docs/gateway.md} is the user's guide.
 */
package io.pitgun.gateway;
