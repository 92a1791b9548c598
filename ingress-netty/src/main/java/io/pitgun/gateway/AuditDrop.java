package io.pitgun.gateway;

import java.util.Locale;

/**
 * Why the audit-log file ({@link AuditFileWriter}) dropped a line, each counted apart
 * ({@code pitgun_gateway_audit_lines_dropped_total{reason}}): a slow disk, a full one and a rotation that fails ask
 * an operator for different things. Lines of refused requests left out over their budget are not dropped by the
 * file, and have a counter of their own ({@link AuditBudget}).
 */
enum AuditDrop
{
    /** The queue to the writer thread was full: lines came faster than the disk took them. */
    QUEUE_FULL(GatewayCounter.AUDIT_DROPPED_QUEUE_FULL),
    /** A write failed (a full disk, an I/O error). */
    WRITE_FAILED(GatewayCounter.AUDIT_DROPPED_WRITE_FAILED),
    /** The file was at its size cap and could not be rotated. */
    SIZE_CAP(GatewayCounter.AUDIT_DROPPED_SIZE_CAP);

    final String label = name().toLowerCase(Locale.ROOT);
    /** Its counter in the counters file. */
    final GatewayCounter counter;

    AuditDrop(final GatewayCounter counter)
    {
        this.counter = counter;
    }
}
