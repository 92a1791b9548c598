package io.pitgun.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

/**
 * Where {@code AUDIT_LOG} sends the audit log ({@link AuditLog}'s {@code pitgun.audit} logger): a file the lines are
 * appended to, or standard error for {@code -}. Only the JSON line is written, one per request; the logger stops
 * passing its lines to the root logger, so they are not also mixed into the gateway's own log. Without
 * {@code AUDIT_LOG} the logging configuration decides, as for any logger.
 */
final class AuditLogOutput implements AutoCloseable
{
    /** {@code AUDIT_LOG} value meaning standard error. */
    static final String STDERR = "-";

    private final Logger logger;
    private final OutputStreamAppender<ILoggingEvent> appender;
    private final Level previousLevel;
    private final boolean previousAdditive;

    private AuditLogOutput(final Logger logger, final OutputStreamAppender<ILoggingEvent> appender)
    {
        this.logger = logger;
        this.appender = appender;
        this.previousLevel = logger.getLevel();
        this.previousAdditive = logger.isAdditive();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
    }

    /**
     * Starts writing the audit log to {@code target} (a file path, or {@code -} for standard error).
     *
     * @return null when SLF4J is not bound to Logback (then the embedder's logging configuration decides).
     */
    static AuditLogOutput open(final String target)
    {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext))
        {
            return null;
        }
        final LoggerContext context = (LoggerContext)LoggerFactory.getILoggerFactory();
        final PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        final OutputStreamAppender<ILoggingEvent> appender;
        if (STDERR.equals(target))
        {
            final ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            appender = console;
        }
        else
        {
            final FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setFile(target);
            file.setAppend(true);
            // Written on the event loops: buffered (8 KiB), not a write and flush per request; close() flushes.
            file.setImmediateFlush(false);
            appender = file;
        }
        appender.setContext(context);
        appender.setName("pitgun-audit-log");
        appender.setEncoder(encoder);
        appender.start();
        if (!appender.isStarted())
        {
            throw new GatewayConfigException(java.util.List.of(GatewaySetting.AUDIT_LOG.label() +
                ": cannot write " + target));
        }
        return new AuditLogOutput(context.getLogger(AuditLog.LOGGER_NAME), appender);
    }

    /** Stops writing (flushes and closes the file) and gives the logger back its previous settings. */
    @Override
    public void close()
    {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditive);
    }
}
