/**
 * The WebAssembly entry point: static methods TeaVM exports to JavaScript. Only this package depends on
 * TeaVM's JSO annotations; the JVM never loads it.
 */
package io.pitgun.solver.wasm;
