package io.pitgun.gateway;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live page (docs/live.md): {@code /live} (and {@code /} for a browser), its script and style under
 * {@code /live/}, and uPlot from its WebJar under {@code /live/uplot-VERSION/}, all from the class path, read once
 * and kept in memory (a few hundred kB). Nothing is fetched from elsewhere, at build or run time: the page works
 * offline.
 * <p>
 * Caching: uPlot's files are named by their version, so they never change at a URL and are cached for a year
 * ({@code immutable}); the page, its script and its style keep their URL across releases, so the browser revalidates
 * them every time ({@code no-cache}) with their {@code ETag} (SHA-256 of the bytes) and gets a 304 when unchanged.
 * The HTML carries a Content-Security-Policy that allows only the gateway itself ({@code 'self'}: scripts, styles,
 * and the WebSocket back to it), so the page cannot reach another host even if a file were changed to
 * ({@link PageHeaders}, with the other headers every file carries).
 */
final class LivePage
{
    /** The page's own path; {@code /} serves it too when the client asks for HTML. */
    static final String PATH = "/live";
    private static final String PREFIX = PATH + "/";
    private static final String OWN_ROOT = "live/";
    private static final String UPLOT_PROPERTIES = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final String VERSION_MARK = "@UPLOT_VERSION@";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    private static final String REVALIDATE = "no-cache";

    /** A file to serve, with its validator and caching rule. */
    record Asset(byte[] bytes, String contentType, String etag, String cacheControl, boolean html)
    {
    }

    /** The page's own files, under {@code live/} on the class path. */
    private static final List<String> OWN_FILES = List.of("index.html", "live.js", "live.css");
    /** The two files of the uPlot WebJar the page uses, not its whole tree. */
    private static final List<String> UPLOT_FILES = List.of("uPlot.iife.min.js", "uPlot.min.css");

    private final ClassLoader loader;
    private final String uplotVersion;
    /** Every file the page serves, by its path under {@code /live/}, read once: a request never reads the class path. */
    private final Map<String, Asset> files;

    LivePage(final ClassLoader loader)
    {
        this.loader = loader;
        this.uplotVersion = uplotVersion(loader);
        final Map<String, Asset> byPath = new HashMap<>();
        for (final String file : OWN_FILES)
        {
            final byte[] bytes = read(OWN_ROOT + file);
            // The page names uPlot's files by version; the version is filled in here, once.
            final byte[] filled = file.endsWith(".html") ? new String(bytes, StandardCharsets.UTF_8)
                .replace(VERSION_MARK, uplotVersion).getBytes(StandardCharsets.UTF_8) : bytes;
            byPath.put(file, asset(filled, file, REVALIDATE));
        }
        for (final String file : UPLOT_FILES)
        {
            byPath.put("uplot-" + uplotVersion + "/" + file,
                asset(read("META-INF/resources/webjars/uplot/" + uplotVersion + "/dist/" + file), file, IMMUTABLE));
        }
        this.files = Map.copyOf(byPath);
    }

    /** The uPlot version served (from the WebJar's own metadata, so the root pom is the only place it is named). */
    String uplotVersion()
    {
        return uplotVersion;
    }

    /** Files held in memory: the page's own and uPlot's, whatever names were asked for (a test's view). */
    int cachedFiles()
    {
        return files.size();
    }

    /** Whether {@code path} is the page or one of its files. */
    static boolean serves(final String path)
    {
        return path.equals(PATH) || path.startsWith(PREFIX);
    }

    /** Answers a {@code GET}/{@code HEAD} of {@code path} ({@code /} included): 200, 304, or 404. */
    void onRequest(final HttpExchange exchange, final String path)
    {
        final Asset asset = find(path);
        if (asset == null)
        {
            exchange.fileNotFound(GatewayCounters.Endpoint.LIVE, "no such file of the live page");
            return;
        }
        final String ifNoneMatch = exchange.request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        // "*" matches any current representation (RFC 9110 13.1.2), as the file's own tag does.
        final boolean unchanged = ifNoneMatch != null
            && (ifNoneMatch.strip().equals("*") || ifNoneMatch.contains(asset.etag()));
        final FullHttpResponse response = HttpExchange.response(unchanged ? 304 : 200, asset.contentType(),
            unchanged ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(asset.bytes()));
        response.headers()
            .set(HttpHeaderNames.CACHE_CONTROL, asset.cacheControl())
            .set(HttpHeaderNames.ETAG, asset.etag());
        PageHeaders.apply(response.headers(), asset.html() ? PageHeaders.LIVE_PAGE : PageHeaders.NOTHING);
        if (unchanged)
        {
            response.headers().remove(HttpHeaderNames.CONTENT_TYPE).remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        exchange.write(GatewayCounters.Endpoint.LIVE, response, null, 0, 0, false);
    }

    /** The file at {@code path} ({@code /}, {@code /live}, {@code /live/...}), or null. */
    Asset find(final String path)
    {
        final String relative;
        if (path.equals("/") || path.equals(PATH) || path.equals(PREFIX))
        {
            relative = "index.html";
        }
        else if (path.startsWith(PREFIX))
        {
            relative = path.substring(PREFIX.length());
        }
        else
        {
            return null;
        }
        return files.get(relative);
    }

    private static Asset asset(final byte[] bytes, final String name, final String cacheControl)
    {
        return new Asset(bytes, ClasspathResources.contentType(name), etag(bytes), cacheControl,
            name.endsWith(".html"));
    }

    private byte[] read(final String resource)
    {
        try (InputStream in = loader.getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new IllegalStateException(resource + " is not on the class path (a broken build)");
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + resource + " from the class path", ex);
        }
    }

    private static String etag(final byte[] bytes)
    {
        try
        {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16) + "\"";
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }

    private static String uplotVersion(final ClassLoader loader)
    {
        try (InputStream in = loader.getResourceAsStream(UPLOT_PROPERTIES))
        {
            if (in == null)
            {
                // A build without the WebJar: the page still loads and says the charts are missing.
                return "missing";
            }
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "missing");
        }
        catch (final IOException ex)
        {
            return "missing";
        }
    }
}
