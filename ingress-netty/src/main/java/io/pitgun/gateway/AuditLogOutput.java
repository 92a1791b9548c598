package io.pitgun.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

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
    private final Appender<ILoggingEvent> appender;
    private final Level previousLevel;
    private final boolean previousAdditive;

    private AuditLogOutput(final Logger logger, final Appender<ILoggingEvent> appender)
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
     * @param onDropped called for each line a file could not take, with why (its queue was full, a write failed, or
     *                  the file was at its size cap and could not be rotated).
     *
     * @return null when SLF4J is not bound to Logback (then the embedder's logging configuration decides).
     */
    static AuditLogOutput open(final String target, final Consumer<AuditDrop> onDropped)
    {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext))
        {
            return null;
        }
        final LoggerContext context = (LoggerContext)LoggerFactory.getILoggerFactory();
        final PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        // UTF-8 whatever the locale: the console's default charset is ASCII under LC_ALL=C (a path's é logged as ?).
        encoder.setCharset(java.nio.charset.StandardCharsets.UTF_8);
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
            // Off the event loops: they only queue the line (AuditFileWriter), a thread of its own writes and
            // rotates the file.
            final AuditFileWriter writer;
            try
            {
                writer = new AuditFileWriter(Path.of(target), AuditFileWriter.MAX_BYTES, AuditFileWriter.KEEP,
                    AuditFileWriter.QUEUE_LINES, onDropped).start();
            }
            catch (final IOException | RuntimeException ex)
            {
                // A NoSuchFileException's message is only the path: name what is missing.
                final String why = ex instanceof java.nio.file.NoSuchFileException ?
                    "its directory " + Path.of(target).toAbsolutePath().getParent() + " does not exist" :
                    ex instanceof java.nio.file.AccessDeniedException ? "permission denied" : ex.toString();
                throw new GatewayConfigException(java.util.List.of(GatewaySetting.AUDIT_LOG.label() +
                    ": cannot write " + target + ": " + why));
            }
            final QueueAppender queued = new QueueAppender(writer);
            queued.setContext(context);
            queued.setName("pitgun-audit-log");
            queued.start();
            return new AuditLogOutput(context.getLogger(AuditLog.LOGGER_NAME), queued);
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

    /** Hands each line to the {@link AuditFileWriter}; unsynchronized: event loops append concurrently. */
    private static final class QueueAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    {
        private final AuditFileWriter writer;

        QueueAppender(final AuditFileWriter writer)
        {
            this.writer = writer;
        }

        @Override
        protected void append(final ILoggingEvent event)
        {
            writer.offer(event.getFormattedMessage());
        }

        @Override
        public void stop()
        {
            super.stop();
            writer.close();
        }
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
