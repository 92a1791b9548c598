/**
 * The formula language: lexer, parser, untyped syntax with source offsets, the binder that resolves names and
 * checks types into the typed {@link io.pitgun.manifest.formula.Expr} tree, constant folding, and the
 * {@link io.pitgun.manifest.formula.ProgramPlan} shared by the interpreter and the compiler.
 */
package io.pitgun.manifest.formula;
