package io.pitgun.engine;

/**
 * A counter's stable description: an id that never changes meaning and a label for people. Each component has one
 * enum of these ({@link PipelineCounter}, the gateway's {@code GatewayCounter}), like Aeron's
 * {@code SystemCounterDescriptor}; in the counters file the id is the counter's key.
 */
public interface CounterDescriptor
{
    /** Stable id, dense from 0 within its enum. */
    int id();

    /** Label for people, as {@code pitgun stat} prints it. */
    String label();

    /**
     * Refuses descriptors whose ids are not unique and dense (0 to n - 1): call from the enum's static initializer,
     * so that a clash fails at class load, before any counter is allocated.
     *
     * @throws IllegalStateException naming the first clashing or out-of-range descriptor.
     */
    static void checkIds(final CounterDescriptor[] descriptors)
    {
        final boolean[] seen = new boolean[descriptors.length];
        for (final CounterDescriptor descriptor : descriptors)
        {
            final int id = descriptor.id();
            if (id < 0 || id >= descriptors.length || seen[id])
            {
                throw new IllegalStateException(descriptor.getClass().getSimpleName() + " ids must be unique and " +
                    "dense from 0, not " + id + " for " + descriptor);
            }
            seen[id] = true;
        }
    }
}
