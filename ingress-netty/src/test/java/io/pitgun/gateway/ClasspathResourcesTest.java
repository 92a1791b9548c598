package io.pitgun.gateway;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The solver's files under {@code /solver/}, open to every client: a request for a file that does not exist keeps
 * nothing. Before, each distinct missing path was kept for good (about 14 KB per 7,000-character path: 280 MB after
 * 20,000 requests, and a 128 MB gateway wedged).
 */
class ClasspathResourcesTest
{
    @Test
    void shouldKeepOnlyFilesThatExist()
    {
        final ClasspathResources files =
            new ClasspathResources("solver", ClasspathResourcesTest.class.getClassLoader());
        assertNotNull(files.find(""), "the page");
        assertNotNull(files.find("index.html"));
        final String padding = "a".repeat(7_000);
        for (int i = 0; i < 2_000; i++)
        {
            assertNull(files.find(padding + i));
        }
        assertEquals(1, files.cachedFiles(), "index.html alone; no miss kept");
        assertNull(files.find("../secret"), "an unsafe path is refused before the class path is asked");
    }
}
