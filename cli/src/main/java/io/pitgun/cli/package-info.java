/**
 * The one {@code pitgun} command (picocli) and its runnable jar {@code cli/target/pitgun.jar}, run by
 * {@code bin/pitgun}. Each subcommand is one class named for what it does ({@code ValidateCommand},
 * {@code SolveCommand}, {@code ManifestCheckCommand}, ...); {@link io.pitgun.cli.PitgunCommand} only wires them.
 * {@code DemoCommand} runs an embedded gateway and a replay end to end. This package holds commands and their wiring
 * only: what they run lives in the module that owns it, e.g. {@code pitgun report latency} plots with
 * {@link io.pitgun.perf.latency} and {@code pitgun loadgen} (with {@code --sweep}, the end-to-end benchmark) runs
 * {@link io.pitgun.perf.loadgen}, both in module perf.
 * Commands report bad input as {@code file:line:column: pointer: reason} with the offending line, exit 1, and
 * never print a stack trace ({@code PITGUN_DEBUG=1} brings it back).
 */
package io.pitgun.cli;
