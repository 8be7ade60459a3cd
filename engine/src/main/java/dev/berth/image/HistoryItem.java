package dev.berth.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One line of {@code docker history}, in the Engine API's HistoryResponseItem shape.
 *
 * @param id the image id for the image itself and its known parents, {@code <missing>} for entries
 *     whose image is not stored here (Docker's wording)
 * @param created unix seconds
 * @param tags the tagged references of that image, or null (Docker sends null, not [])
 * @param size bytes of the layer the entry made, 0 for entries that made none
 */
public record HistoryItem(
        @JsonProperty("Id") String id,
        @JsonProperty("Created") long created,
        @JsonProperty("CreatedBy") String createdBy,
        @JsonProperty("Tags") List<String> tags,
        @JsonProperty("Size") long size,
        @JsonProperty("Comment") String comment) {}
