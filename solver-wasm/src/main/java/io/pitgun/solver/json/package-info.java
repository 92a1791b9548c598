/**
 * A small JSON reader and writer that TeaVM can compile, with number conversion done by integer
 * arithmetic only, so that the JVM and the WebAssembly build read and print every double identically.
 */
package io.pitgun.solver.json;
