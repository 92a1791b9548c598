package io.pitgun.scaleout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What identifies a version of a file without reading it: its modification time, size and identity (the inode where
 * the file system has one), so a file replaced by a rename is a new version even when its time and size match. The
 * gateway polls its reloaded files the same way ({@code io.pitgun.gateway.FileStamp}, which this module cannot
 * reach: the gateway depends on it, not the other way round). The hive polls {@code --edge-secrets} with it.
 *
 * @param modified the last modification time.
 * @param size     the size in bytes.
 * @param fileKey  the file system's identity of the file, or null where there is none.
 */
record FileVersion(FileTime modified, long size, Object fileKey)
{
    /** The version of {@code file} now. */
    static FileVersion of(final Path file) throws IOException
    {
        final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileVersion(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
    }
}
