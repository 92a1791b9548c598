/**
 * JMH benchmarks, each with the baseline a user would otherwise pick in the same run (Jackson databind, exp4j and
 * JEXL, hand-written Java, ...). Build with {@code mvn -pl perf -am package}; run with
 * {@code java -jar perf/target/benchmarks.jar <name> -prof gc}. Results, with machine and date, go to
 * {@code docs/performance.md}.
 */
package io.pitgun.perf;
