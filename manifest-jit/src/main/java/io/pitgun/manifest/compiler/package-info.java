/**
 * The compiler from a {@link io.pitgun.manifest.formula.ProgramPlan} to a hidden class (ASM), bit-identical to the
 * interpreter and allocation-free per frame.
 */
package io.pitgun.manifest.compiler;
