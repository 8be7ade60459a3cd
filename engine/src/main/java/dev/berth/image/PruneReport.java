package dev.berth.image;

import java.util.List;

/** What {@link ImageService#prune} removed and the bytes of layers it freed. */
public record PruneReport(List<DeleteResponseItem> deleted, long spaceReclaimed) {}
