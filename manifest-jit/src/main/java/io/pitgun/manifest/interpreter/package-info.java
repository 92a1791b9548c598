/** The reference interpreter: the executable definition of the formula language's semantics. */
package io.pitgun.manifest.interpreter;
