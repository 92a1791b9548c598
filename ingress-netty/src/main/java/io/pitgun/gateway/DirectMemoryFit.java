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
 * @param outboundTotalLimitBytes   the bound on all connections' unsent answers to use.
 * @param partialMessageBudgetBytes the bound on all unfinished messages to use.
 * @param lowered                   why they were lowered, or null when the settings fit.
 */
record DirectMemoryFit(long outboundTotalLimitBytes, long partialMessageBudgetBytes, String lowered)
{
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
        final long maxDirectBytes, final long usedDirectBytes, final int maxBodyBytes, final int maxHeaderBytes)
    {
        final long usable = Math.max(0, maxDirectBytes - usedDirectBytes) / 100 * USABLE_SHARE_PERCENT;
        final long wanted = outboundTotalLimitBytes + partialMessageBudgetBytes;
        if (wanted <= usable)
        {
            return new DirectMemoryFit(outboundTotalLimitBytes, partialMessageBudgetBytes, null);
        }
        final double share = (double)usable / wanted;
        final long outbound = Math.max(FLOOR_BYTES, (long)(outboundTotalLimitBytes * share));
        final long partial = Math.max(FLOOR_BYTES, (long)(partialMessageBudgetBytes * share));
        final int largestBody = largestBodyBytes(partial, maxBodyBytes, maxHeaderBytes);
        return new DirectMemoryFit(outbound, partial, GatewaySetting.OUTBOUND_TOTAL_LIMIT_BYTES.envName() + " (" +
            outboundTotalLimitBytes + ") and " + GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES.envName() + " (" +
            partialMessageBudgetBytes + ") need " + wanted + " bytes of direct memory, more than the " +
            USABLE_SHARE_PERCENT + " % of the " + (maxDirectBytes - usedDirectBytes) + " bytes this JVM has left " +
            "(-XX:MaxDirectMemorySize " + maxDirectBytes + ", its default the heap's size; " + usedDirectBytes +
            " in use) they may take: lowered to " + outbound + " and " + partial + ", so that clients that never " +
            "read cannot exhaust it; give the JVM more direct memory (PITGUN_JAVA_OPTS=-XX:MaxDirectMemorySize=...) " +
            "to keep them" + (largestBody < maxBodyBytes ? "; the largest request body it can take is now " +
            largestBody + " bytes, below " + GatewaySetting.MAX_BODY_BYTES.envName() + " (" + maxBodyBytes +
            "): a larger one is refused 413" : ""));
    }
}
