/**
 * JMH benchmarks, each with the baseline a user would otherwise pick in the same run (Jackson databind, exp4j and
 * JEXL, hand-written Java, ...). Build with {@code mvn -pl perf -am package}; run with
 * {@code java -jar perf/target/benchmarks.jar <name> -prof gc} ({@link io.pitgun.perf.BenchmarkMain}: JMH with the
 * reactor's JVM flags for every fork), or all of them with {@code bin/bench quick|full},
 * which writes the JSON to {@code perf/results/<date>/} and regenerates the tables of {@code docs/performance.md}
 * ({@link io.pitgun.perf.report.PerformanceDocWriter}). The load tools the CLI runs live beside them, without JMH:
 * the open-loop load generator ({@link io.pitgun.perf.loadgen}) and the latency plots ({@link io.pitgun.perf.latency}).
 */
package io.pitgun.perf;
