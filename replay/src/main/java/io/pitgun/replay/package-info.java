/**
 * {@code pitgun replay}: streams a telemetry CSV into a running gateway as {@code pitgun-envelope-v1} envelopes,
 * over {@code POST /beacon} or the {@code /ws} WebSocket, paced in real time or at a fixed rate, honouring
 * back-pressure (429/503 with {@code Retry-After}: the same envelope is retried, the gateway dedupes it by
 * {@code event_id}) and reporting what was acknowledged, what was refused and why, and the send → ack latency.
 * <p>
 * Columns are mapped to the dictionary by name, tolerating case and separators ({@link io.pitgun.replay.ColumnMapping});
 * rows are read and type-checked by {@link io.pitgun.replay.CsvTelemetryReader}; envelopes are written by
 * {@link io.pitgun.replay.EnvelopeBuilder}; {@link io.pitgun.replay.ReplayRunner} runs the loop. The simulator that
 * generates the shipped sample session is in {@link io.pitgun.replay.sim}.
 */
package io.pitgun.replay;
