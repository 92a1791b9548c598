package io.pitgun.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What identifies a version of a file without reading it: its modification time, size and identity (the inode where
 * the file system has one), so that a file replaced by a rename, as {@code pitgun token} and certbot do, is a new
 * version even when its time and size happen to match. The files the gateway reloads ({@code TOKENS_FILE},
 * {@code TLS_CERT}, {@code TLS_KEY}) and the hive's {@code --edge-secrets} are polled with it.
 *
 * @param modified the last modification time.
 * @param size     the size in bytes.
 * @param fileKey  the file system's identity of the file, or null where there is none.
 */
public record FileStamp(FileTime modified, long size, Object fileKey)
{
    /**
     * The stamp of {@code file} now.
     *
     * @throws IOException when its attributes cannot be read (it is gone, for one).
     */
    public static FileStamp of(final Path file) throws IOException
    {
        final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
    }
}
