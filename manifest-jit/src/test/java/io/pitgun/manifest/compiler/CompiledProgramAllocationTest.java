package io.pitgun.manifest.compiler;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.manifest.runtime.FrameProgram;
import io.pitgun.manifest.runtime.FrameValues;
import io.pitgun.testsupport.LongFormulaManifest;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The compiled program, and the interpreter a manifest too long to compile runs in, allocate nothing per frame
 * (counted by the JVM's per-thread allocation counter).
 */
class CompiledProgramAllocationTest
{
    @Test
    void shouldAllocateNothingPerFrameAfterWarmUp() throws Exception
    {
        final CompiledManifest manifest = ManifestCompiler.compile(ManifestLoader.load(
            Path.of("../schemas/src/main/resources/examples/pipeline-manifest/v1/valid/lap-energy-summary.yaml")),
            ParameterRegistry.simV1());
        assertTrue(manifest.runsCompiled());
        assertAllocatesNothingPerFrame(manifest);
    }

    /** A manifest too long to compile runs in the interpreter, which the engine then runs per frame: as free. */
    @Test
    void shouldAllocateNothingPerFrameInTheInterpreterAManifestTooLongToCompileRunsIn() throws Exception
    {
        final CompiledManifest manifest = ManifestCompiler.compile(
            ManifestLoader.parse(Path.of("long.yaml"), LongFormulaManifest.yaml()), ParameterRegistry.simV1());
        assertFalse(manifest.runsCompiled());
        assertAllocatesNothingPerFrame(manifest);
    }

    private static void assertAllocatesNothingPerFrame(final CompiledManifest manifest)
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        final FrameProgram program = manifest.newProgram();
        final FrameValues in = manifest.newInputValues();
        final FrameValues out = manifest.newOutputValues();
        run(program, in, out, 20_000);
        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        run(program, in, out, 100_000);
        final long after = threads.getThreadAllocatedBytes(threadId);
        // one-off JVM allocations (the counter's own call, a JIT transition) are a few bytes in total; any
        // per-frame allocation would be at least 16 bytes times 100,000
        assertEquals(0, (after - before) / 100_000, "bytes allocated per frame (total " + (after - before) + ")");
    }

    private static void run(final FrameProgram program, final FrameValues in, final FrameValues out, final int frames)
    {
        final int inputs = in.slotCount();
        for (int frame = 0; frame < frames; frame++)
        {
            in.clear();
            in.timestampUs(frame * 10_000L);
            for (int slot = 0; slot < inputs; slot++)
            {
                if ((frame + slot) % 7 != 0)
                {
                    in.putDouble(slot, frame % 100 + slot);
                    in.putLong(slot, frame % 13_000 + slot);
                }
            }
            program.onFrame(in, out);
        }
    }
}
