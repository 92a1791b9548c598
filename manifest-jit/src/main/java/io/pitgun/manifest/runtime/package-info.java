/**
 * What a running manifest program touches per frame: the {@link io.pitgun.manifest.runtime.FrameProgram} interface
 * the engine calls, the {@link io.pitgun.manifest.runtime.FrameValues} tables, the time functions' state classes and
 * {@link io.pitgun.manifest.runtime.FormulaMath}. Allocation-free and deterministic (StrictMath only).
 */
package io.pitgun.manifest.runtime;
