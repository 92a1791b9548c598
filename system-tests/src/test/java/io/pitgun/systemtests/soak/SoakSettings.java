package io.pitgun.systemtests.soak;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The soak's size and bounds, from system properties. {@code -Dpitgun.soak.mode=long} (or
 * {@code -Dpitgun.soak.sessions=20000}) runs the long soak; the short default fits CI on a loaded 2-core machine.
 *
 * @param mode                  {@code short} or {@code long}.
 * @param sessions              producer sessions to run (start, batches, end).
 * @param producers             concurrent producer threads.
 * @param batchesPerSession     sample batches per session.
 * @param framesPerBatch        frames per batch.
 * @param driveBudget           how long the producers may take before the soak stops them (and reports it).
 * @param rssGrowthBytes        allowed growth of anonymous RSS (heap, direct buffers, native; not the journal's
 *                              mapped files) over its warm-up value.
 * @param directGrowthBytes     allowed growth of JVM direct buffers and of Netty's allocator direct memory.
 * @param heapGrowthBytes      allowed growth of the live heap (heap in use right after a full collection) from warm-up to the end.
 * @param hostile               the kinds of hostile clients mixed in ({@link #ALL_HOSTILE} by default).
 * @param neverReadingClients   raw WebSocket clients that write and never read.
 * @param neverReadingMessages  messages each never-reading client writes (each one owes it a nack).
 * @param neverReadingRatePerS  the pace of each never-reading client, so that it costs the gateway's I/O thread a
 *                              bounded share and the soak measures memory, not a CPU flood.
 * @param idleTimeoutS          the gateway's idle timeout, which must close half-sent messages; above the
 *                              journaled-ack timeout (5 s) so that no waiting request is taken for idle.
 */
public record SoakSettings(
    String mode,
    int sessions,
    int producers,
    int batchesPerSession,
    int framesPerBatch,
    Duration driveBudget,
    long rssGrowthBytes,
    long directGrowthBytes,
    long heapGrowthBytes,
    Set<String> hostile,
    int neverReadingClients,
    int neverReadingMessages,
    int neverReadingRatePerS,
    int idleTimeoutS)
{
    /** System property: {@code short} (default) or {@code long}. */
    public static final String MODE_PROPERTY = "pitgun.soak.mode";
    /** System property overriding the session count. */
    public static final String SESSIONS_PROPERTY = "pitgun.soak.sessions";
    /** System property overriding the producers' time budget, in seconds. */
    public static final String BUDGET_PROPERTY = "pitgun.soak.budget.s";
    /**
     * System property: the hostile clients to mix in, comma-separated (default all): {@code never-reading},
     * {@code half-sent}, {@code bad-sbe}, {@code malformed-json}, or {@code none}. Leaving some out tells which
     * defect a failure comes from.
     */
    public static final String HOSTILE_PROPERTY = "pitgun.soak.hostile";
    /** Every kind of hostile client. */
    public static final Set<String> ALL_HOSTILE = Set.of("never-reading", "half-sent", "bad-sbe", "malformed-json");

    /** Sessions in the short mode: well past the ~200 after which a session-table leak would stop ingestion. */
    public static final int SHORT_SESSIONS = 600;
    /** Sessions in the long mode (issue #12). */
    public static final int LONG_SESSIONS = 20_000;

    private static final long MIB = 1024 * 1024;
    private static final int NEVER_READING_MESSAGES_PER_S = 2_500;

    /** The child gateway's JVM: a fixed, pre-touched heap (so RSS tracks everything but the heap) and bounded direct memory. */
    public static final List<String> GATEWAY_JVM = List.of(
        "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize=256m");

    /** The settings of this run. */
    public static SoakSettings fromSystemProperties()
    {
        final String sessionsProperty = System.getProperty(SESSIONS_PROPERTY, "").trim();
        final boolean longMode = "long".equals(System.getProperty(MODE_PROPERTY, "short").trim()) ||
            (!sessionsProperty.isEmpty() && Integer.parseInt(sessionsProperty) >= LONG_SESSIONS);
        final int sessions = sessionsProperty.isEmpty() ? (longMode ? LONG_SESSIONS : SHORT_SESSIONS) :
            Integer.parseInt(sessionsProperty);
        final String budgetProperty = System.getProperty(BUDGET_PROPERTY, "").trim();
        final Duration budget = !budgetProperty.isEmpty() ? Duration.ofSeconds(Long.parseLong(budgetProperty)) :
            longMode ? Duration.ofMinutes(40) : Duration.ofSeconds(45);
        final String hostileProperty = System.getProperty(HOSTILE_PROPERTY, "").trim();
        final Set<String> hostile = hostileProperty.isEmpty() ? ALL_HOSTILE : new TreeSet<>(
            Arrays.asList(hostileProperty.split("\\s*,\\s*")));
        hostile.stream().filter(kind -> !ALL_HOSTILE.contains(kind) && !"none".equals(kind)).findAny()
            .ifPresent(kind ->
            {
                throw new IllegalArgumentException(HOSTILE_PROPERTY + ": unknown kind " + kind + ", known " +
                    ALL_HOSTILE);
            });
        return new SoakSettings(longMode ? "long" : "short", sessions, 6, 3, 10, budget,
            64 * MIB, 24 * MIB, 64 * MIB, hostile, hostile.contains("never-reading") ? 2 : 0,
            longMode ? 200_000 : 60_000, NEVER_READING_MESSAGES_PER_S, 10);
    }

    /** Sessions after which memory is sampled as the warm-up baseline. */
    public int warmupSessions()
    {
        return Math.max(50, sessions / 5);
    }
}
