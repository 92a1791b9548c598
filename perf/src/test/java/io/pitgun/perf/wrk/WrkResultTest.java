package io.pitgun.perf.wrk;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What envelopes.lua's done() prints, read back; wrk's own report around it is ignored. */
class WrkResultTest
{
    /** wrk 4.1.0's output of a 2 s run against the gateway, as the script leaves it. */
    static final String OUTPUT = """
        Running 2s test @ http://127.0.0.1:18080
          2 threads and 4 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     8.71ms   17.35ms 124.80ms   93.49%
            Req/Sec   489.59    233.40     0.95k    66.67%
          1937 requests in 2.10s, 536.67KB read
        Requests/sec:    921.34
        Transfer/sec:    255.27KB
        pitgun-wrk: requests=1937 duration_us=2102381 bytes=549553 non2xx=3 connect_errors=1 read_errors=2 \
        write_errors=0 timeouts=4 p50_us=3469 p90_us=15451 p99_us=101142 p99.9_us=123895 max_us=124804 mean_us=8706.0
        """;

    @Test
    void shouldReadTheScriptsLine()
    {
        final WrkResult r = WrkResult.parse(OUTPUT);

        assertEquals(new WrkResult(1937, 2102381, 3, 7, 3469, 15451, 101142, 123895, 124804), r);
        assertEquals(921.34, r.requestsPerSecond(), 0.01);
        assertEquals(1934, r.successes());
    }

    @Test
    void shouldRefuseOutputWithoutTheScriptsLine()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> WrkResult.parse("Running 2s test @ http://127.0.0.1:1\nRequests/sec: 1.0\n"));
        assertTrue(ex.getMessage().contains("pitgun-wrk:"), ex.getMessage());
    }

    @Test
    void shouldNameAMissingOrBadKey()
    {
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> WrkResult.parse(OUTPUT.replace(" p99.9_us=123895", "")));
        assertTrue(missing.getMessage().contains("p99.9_us"), missing.getMessage());
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> WrkResult.parse(OUTPUT.replace("non2xx=3", "non2xx=x")));
        assertTrue(bad.getMessage().contains("non2xx=x"), bad.getMessage());
    }
}
