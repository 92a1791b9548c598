package io.pitgun.gateway;

import io.netty.util.internal.PlatformDependent;

/**
 * Fits the two bounds on the gateway's direct memory, all connections' unsent answers
 * ({@code OUTBOUND_TOTAL_LIMIT_BYTES}) and all unfinished messages ({@code PARTIAL_MESSAGE_BUDGET_BYTES}), into the
 * direct memory the JVM has left once the pipeline is built. Both are held in Netty's direct buffers; when they add
 * up to more than the JVM has, a loop writing to clients that never read runs out of direct memory before either
 * bound is reached and stalls in the JDK's allocation (which collects garbage and sleeps, again for every buffer it
 * cannot have) with every connection it serves: {@code -Xmx128m} leaves about 100 MB, under the 192 MiB of the
 * defaults. So when they do not fit, both are lowered in proportion to {@value #USABLE_SHARE_PERCENT} % of what is
 * left, and the start says so; raise {@code -XX:MaxDirectMemorySize} (its default is the heap's size) to keep the
 * settings. Not more: a byte unsent can hold more than a byte of direct memory. Netty's allocator hands out small
 * buffers (a live subscriber's output is one per subscriber) from chunks it keeps whole while any part is in use:
 * 200 subscribers that never read held 50 MB unsent in 107 MB of the allocator's direct memory
 * ({@code GatewayNeverReadingClientsProcessTest}), and reads and TLS take their own.
 *
 *
 * <p>A request body is an unfinished message until it is complete, so the budget also bounds the largest body the
 * gateway can take ({@link #largestBodyBytes}): one larger is refused as too large (413, the reason naming the budget)
 * rather than 503 with {@code Retry-After} for ever, and the start warning says so when it is below
 * {@code MAX_BODY_BYTES}.
 *
 * <p>A connection's own bounds on its unsent bytes are used inside the total in use ({@link Connection#inside}):
 * one above it is not the bound in force, as {@code GatewayConfig}'s bounds rule says of the settings. Before, a
 * total lowered here below {@code OUTBOUND_LIMIT_BYTES} (4 MiB by default: {@code -XX:MaxDirectMemorySize=40m} left
 * a total of 3.3 MB) left that contradiction in force without a word, which the same settings given by the operator
 * were warned of.
 *
 * @param outboundTotalLimitBytes   the bound on all connections' unsent answers to use.
 * @param partialMessageBudgetBytes the bound on all unfinished messages to use.
 * @param connection                a connection's bounds on its unsent bytes to use, inside the total.
 * @param lowered                   why they were lowered, or null when the settings fit.
 */
record DirectMemoryFit(long outboundTotalLimitBytes, long partialMessageBudgetBytes, Connection connection,
    String lowered)
{
    /**
     * A connection's bounds on its unsent bytes: {@code OUTBOUND_LIMIT_BYTES}, its high-water mark
     * ({@code OUTBOUND_HIGH_WATER_BYTES}, below the limit) and a live subscriber's {@code SUBSCRIBER_BUFFER_BYTES}.
     */
    record Connection(int limitBytes, int highWaterBytes, int subscriberBytes)
    {
        /**
         * These bounds inside a total of {@code totalBytes}: one above it lowered to it, and the high-water mark, if
         * no longer below the limit, to half of it (a connection resumes reading below half its mark).
         */
        Connection inside(final long totalBytes)
        {
            final int limit = (int)Math.min(limitBytes, totalBytes);
            return new Connection(limit, highWaterBytes < limit ? highWaterBytes : limit / 2,
                (int)Math.min(subscriberBytes, totalBytes));
        }

        /** What {@code used} changed of these, by setting, for a message; empty when nothing. */
        String changedTo(final Connection used)
        {
            final StringBuilder changed = new StringBuilder();
            changed(changed, GatewaySetting.OUTBOUND_LIMIT_BYTES, limitBytes, used.limitBytes);
            changed(changed, GatewaySetting.OUTBOUND_HIGH_WATER_BYTES, highWaterBytes, used.highWaterBytes);
            changed(changed, GatewaySetting.SUBSCRIBER_BUFFER_BYTES, subscriberBytes, used.subscriberBytes);
            return changed.toString();
        }

        private static void changed(final StringBuilder changed, final GatewaySetting setting, final int given,
            final int used)
        {
            if (given != used)
            {
                changed.append(changed.length() == 0 ? "" : ", ").append(setting.envName()).append(" (")
                    .append(given).append(") to ").append(used);
            }
        }
    }

    /** Room the budget keeps for a request's head (its line and headers are held with the body). */
    static final int REQUEST_LINE_BYTES = 8192;

    /** The share of the direct memory left at start the two bounds may take together. */
    static final int USABLE_SHARE_PERCENT = 33;
    /** Neither is lowered below this, whatever the JVM has. */
    static final long FLOOR_BYTES = 1 << 20;

    /** The fit for this JVM: its direct memory limit and what is in use now. */
    static DirectMemoryFit of(final GatewayConfig config, final DirectMemoryPressure pressure)
    {
        return of(config.outboundTotalLimitBytes(), config.partialMessageBudgetBytes(),
            new Connection(config.outboundLimitBytes(), config.outboundHighWaterBytes(),
                config.subscriberBufferBytes()),
            PlatformDependent.maxDirectMemory(), pressure.usedBytes(), config.maxBodyBytes(), config.maxHeaderBytes());
    }

    /**
     * The largest request body a budget of {@code partialMessageBudgetBytes} can hold with its head: at most
     * {@code maxBodyBytes}, less when the budget leaves less room.
     */
    static int largestBodyBytes(final long partialMessageBudgetBytes, final int maxBodyBytes,
        final int maxHeaderBytes)
    {
        final long room = partialMessageBudgetBytes - REQUEST_LINE_BYTES - maxHeaderBytes;
        return (int)Math.min(maxBodyBytes, Math.max(room, partialMessageBudgetBytes / 2));
    }

    /** The largest request body the budget in use can hold ({@link #largestBodyBytes(long, int, int)}). */
    int largestBodyBytes(final int maxBodyBytes, final int maxHeaderBytes)
    {
        return largestBodyBytes(partialMessageBudgetBytes, maxBodyBytes, maxHeaderBytes);
    }

    static DirectMemoryFit of(final long outboundTotalLimitBytes, final long partialMessageBudgetBytes,
        final Connection connection, final long maxDirectBytes, final long usedDirectBytes, final int maxBodyBytes,
        final int maxHeaderBytes)
    {
        final long usable = Math.max(0, maxDirectBytes - usedDirectBytes) / 100 * USABLE_SHARE_PERCENT;
        final long wanted = outboundTotalLimitBytes + partialMessageBudgetBytes;
        if (wanted <= usable)
        {
            return new DirectMemoryFit(outboundTotalLimitBytes, partialMessageBudgetBytes,
                connection.inside(outboundTotalLimitBytes), null);
        }
        final double share = (double)usable / wanted;
        final long outbound = Math.max(FLOOR_BYTES, (long)(outboundTotalLimitBytes * share));
        final long partial = Math.max(FLOOR_BYTES, (long)(partialMessageBudgetBytes * share));
        final int largestBody = largestBodyBytes(partial, maxBodyBytes, maxHeaderBytes);
        final Connection inside = connection.inside(outbound);
        final String connectionLowered = connection.changedTo(inside);
        return new DirectMemoryFit(outbound, partial, inside,
            GatewaySetting.OUTBOUND_TOTAL_LIMIT_BYTES.envName() + " (" +
            outboundTotalLimitBytes + ") and " + GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES.envName() + " (" +
            partialMessageBudgetBytes + ") need " + wanted + " bytes of direct memory, more than the " +
            USABLE_SHARE_PERCENT + " % of the " + (maxDirectBytes - usedDirectBytes) + " bytes this JVM has left " +
            "(-XX:MaxDirectMemorySize " + maxDirectBytes + ", its default the heap's size; " + usedDirectBytes +
            " in use) they may take: lowered to " + outbound + " and " + partial + ", so that clients that never " +
            "read cannot exhaust it; give the JVM more direct memory (PITGUN_JAVA_OPTS=-XX:MaxDirectMemorySize=...) " +
            "to keep them" + (connectionLowered.isEmpty() ? "" : "; a connection's bounds inside the total " +
            "lowered with it: " + connectionLowered) + (largestBody < maxBodyBytes ? "; the largest request body " +
            "it can take is now " + largestBody + " bytes, below " + GatewaySetting.MAX_BODY_BYTES.envName() + " (" +
            maxBodyBytes + "): a larger one is refused 413" : ""));
    }
}
