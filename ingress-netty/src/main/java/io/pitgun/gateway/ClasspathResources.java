package io.pitgun.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Static files served from the class path (the solver page under {@code solver/}): read once, kept in memory.
 * Paths with {@code ..}, backslashes or empty segments are refused before the class path is asked. Only files that
 * exist are kept: a path that names none is looked up again each time, since the paths a client may ask for are
 * unbounded (keeping each miss grew the heap by the length of every distinct path asked for, for good).
 */
final class ClasspathResources
{
    /** A file to serve. */
    record Resource(byte[] bytes, String contentType)
    {
    }

    private final String root;
    private final ClassLoader loader;
    private final ConcurrentHashMap<String, Resource> cache = new ConcurrentHashMap<>();

    ClasspathResources(final String root, final ClassLoader loader)
    {
        this.root = root;
        this.loader = loader;
    }

    /** The file at {@code relative} under the root, or null (also for unsafe paths). */
    Resource find(final String relative)
    {
        final String path = relative.isEmpty() || relative.endsWith("/") ? relative + "index.html" : relative;
        if (path.contains("..") || path.contains("\\") || path.contains("//") || path.startsWith("/"))
        {
            return null;
        }
        return cache.computeIfAbsent(path, this::load); // a null from load() maps nothing
    }

    /** Files kept in memory (tests: only files that exist). */
    int cachedFiles()
    {
        return cache.size();
    }

    private Resource load(final String path)
    {
        try (InputStream in = loader.getResourceAsStream(root + "/" + path))
        {
            return in == null ? null : new Resource(in.readAllBytes(), contentType(path));
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    static String contentType(final String path)
    {
        final String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".html"))
        {
            return "text/html; charset=utf-8";
        }
        if (lower.endsWith(".js"))
        {
            return "text/javascript; charset=utf-8";
        }
        if (lower.endsWith(".wasm"))
        {
            return "application/wasm";
        }
        if (lower.endsWith(".json"))
        {
            return "application/json";
        }
        if (lower.endsWith(".css"))
        {
            return "text/css; charset=utf-8";
        }
        return "application/octet-stream";
    }
}
