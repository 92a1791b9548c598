/**
 * The one {@code pitgun} command (picocli) and its runnable jar {@code cli/target/pitgun.jar}, run by
 * {@code bin/pitgun}. Each subcommand is one class named for what it does ({@code ValidateCommand},
 * {@code SolveCommand}, {@code ManifestCheckCommand}, ...); {@link io.pitgun.cli.PitgunCommand} only wires them.
 * {@code DemoCommand} runs an embedded gateway and a replay end to end; {@code PercentileDistribution},
 * {@code PercentilePlotSvg} and {@code LatencyReportPage} read and plot HdrHistogram latency files
 * ({@code pitgun report latency}), which {@link io.pitgun.engine.HdrFiles} (module engine, shared with the
 * gateway's {@code GET /latency}) writes. {@code LoadgenCommand} is the open-loop load
 * generator ({@code OpenLoopSchedule}, {@code LoadgenRecorder}, one {@code LoadgenTransport} per mode) and, with
 * {@code --sweep}, the end-to-end benchmark against a {@code BareHttpServer}.
 * {@code StatCommand} ({@code pitgun stat DIR}) prints a gateway's live counters from its counters file, from
 * another process. {@code GatewayCommand}'s flags are derived from {@code GatewaySetting}.
 * Commands report bad input as {@code file:line:column: pointer: reason} with the offending line, exit 1, and
 * never print a stack trace ({@code PITGUN_DEBUG=1} brings it back).
 */
package io.pitgun.cli;
