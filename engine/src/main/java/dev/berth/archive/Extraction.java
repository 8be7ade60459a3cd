package dev.berth.archive;

import dev.berth.common.Digest;

/**
 * What an extraction produced.
 *
 * @param diffId sha256 of the uncompressed tar stream (the OCI diff id)
 * @param size bytes of regular-file content written (hard links counted once), Docker's layer size
 */
public record Extraction(Digest diffId, long size) {}
