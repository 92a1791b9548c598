package io.pitgun.perf.shipping;

import java.util.Locale;

/**
 * What a thread of a shipping benchmark run does, on either side of a pair, so that the CPU each side spends per
 * frame can be compared role by role: shipping does everything bare Aeron does (a media driver and a thread offering
 * batches on each edge, a media driver and a thread taking them at the receiving end) plus reading the edge's journal,
 * recording the stream with Aeron Archive and appending to the hive's journal, and the breakdown shows what each of
 * those costs. Threads are told apart by name: the media drivers (shared threading: one thread named after the Aeron
 * directory) by their directory's role ({@code AeronDirectories.forRole}), the others by the names their runners give.
 */
enum ShippingThreadRole
{
    SENDING_DRIVERS("sending media drivers", "edges' drivers", "publishers' drivers"),
    SENDERS("sending threads", "shippers: journal read, batching", "publishers: offering batches"),
    RECEIVING_DRIVER("receiving media driver", "hive's driver", "subscriber's driver"),
    ARCHIVE("Archive recording", "archive-conductor", "-"),
    RECEIVER("receiving thread", "hive writer: dedup, journal append", "subscriber: reading frames"),
    OTHER("other", "JVM (GC, JIT), sampling, Aeron clients", "the same");

    /** The media driver directories' roles in the benchmark ({@code AeronDirectories.forRole}). */
    static final String BARE_PUBLISHER_ROLE = "bench-pub";
    static final String BARE_SUBSCRIBER_ROLE = "bench-sub";
    /** The bare side's threads' names. */
    static final String BARE_PUBLISHER_THREAD = "bench-bare-publisher";
    static final String BARE_SUBSCRIBER_THREAD = "bench-bare-subscriber";

    private final String label;
    private final String shipping;
    private final String bare;

    ShippingThreadRole(final String label, final String shipping, final String bare)
    {
        this.label = label;
        this.shipping = shipping;
        this.bare = bare;
    }

    /** The role's column heading. */
    String label()
    {
        return label;
    }

    /** What the role is on the shipping side. */
    String shipping()
    {
        return shipping;
    }

    /** What the role is on the bare Aeron side. */
    String bare()
    {
        return bare;
    }

    /**
     * The role of the thread named {@code name}. A media driver's thread (shared threading) is named after its
     * directory followed by {@code [sender,receiver,driver-conductor]}: its directory is
     * {@code /dev/shm/pitgun-ROLE-…}, or {@code …/aeron} under the data directory where there is no
     * {@code /dev/shm},
     * whose parents then say the role (the benchmark's data directories are named {@code edge-N}, {@code hive-…},
     * {@code publisher-N} and {@code subscriber}).
     */
    static ShippingThreadRole of(final String name)
    {
        if (name.contains("[") && name.contains("driver-conductor"))
        {
            final String lower = name.toLowerCase(Locale.ROOT);
            if (lower.contains("pitgun-edge-") || lower.contains("/edge-") ||
                lower.contains("pitgun-" + BARE_PUBLISHER_ROLE + "-") || lower.contains("/publisher-"))
            {
                return SENDING_DRIVERS;
            }
            if (lower.contains("pitgun-hive-") || lower.contains("/hive-") ||
                lower.contains("pitgun-" + BARE_SUBSCRIBER_ROLE + "-") || lower.contains("/subscriber/"))
            {
                return RECEIVING_DRIVER;
            }
            return OTHER;
        }
        if (name.equals("pitgun-shipper") || name.equals(BARE_PUBLISHER_THREAD))
        {
            return SENDERS;
        }
        if (name.equals("pitgun-hive") || name.equals(BARE_SUBSCRIBER_THREAD))
        {
            return RECEIVER;
        }
        if (name.startsWith("archive-"))
        {
            return ARCHIVE;
        }
        return OTHER;
    }
}
