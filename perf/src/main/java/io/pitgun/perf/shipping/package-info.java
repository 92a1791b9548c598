/**
 * Shipping throughput, edge to hive: {@link io.pitgun.perf.shipping.ShippingThroughputMain} times 1, 2 and 3 edges'
 * {@code EdgeShipper}s shipping prepared journals into one {@code Hive}, next to bare Aeron publications of the same
 * batches in the same run, and {@link io.pitgun.perf.shipping.ShippingTable} turns the runs into the
 * {@code Shipping} block of {@code docs/performance.md} with the verdict on issue 16's target (≥ 80 % of bare Aeron).
 */
package io.pitgun.perf.shipping;
