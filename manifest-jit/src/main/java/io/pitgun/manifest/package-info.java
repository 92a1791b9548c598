/**
 * Pipeline manifests ({@code pipeline-manifest/v1}) and their formula language, compiled to JVM bytecode.
 *
 * <p>{@link io.pitgun.manifest.ManifestLoader} reads and schema-validates a YAML manifest;
 * {@link io.pitgun.manifest.ManifestCompiler} checks it against a dictionary and produces a
 * {@link io.pitgun.manifest.CompiledManifest}, whose programs the engine calls once per frame:
 *
 * <pre>{@code
 * CompiledManifest manifest = ManifestCompiler.compile(ManifestLoader.load(path), ParameterRegistry.simV1());
 * FrameProgram program = manifest.newProgram();          // one per source stream
 * FrameValues in = manifest.newInputValues(), out = manifest.newOutputValues();
 * // per frame: in.clear(); in.timestampUs(t); in.putDouble(slot, v) for each input the plan reads ...
 * if (program.onFrame(in, out)) { emit kept inputs and present derived slots }
 * }</pre>
 *
 * <p>Input slots are dense numbers the compiler gives each dictionary channel a manifest reads
 * ({@link io.pitgun.manifest.CompiledManifest#inputs()}); output slots are derived channel indexes, written to SBE
 * frames as parameter id {@link io.pitgun.manifest.DerivedChannel#ID_BASE} + index with their declared data type.
 * Sub-packages: {@code formula} (syntax, types, the plan), {@code interpreter} (the reference semantics),
 * {@code compiler} (hidden-class bytecode), {@code runtime} (what compiled code calls: values, state, math).
 */
package io.pitgun.manifest;
