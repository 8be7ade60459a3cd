package dev.berth.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One line of Docker's image delete answer: exactly one of the two is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeleteResponseItem(@JsonProperty("Untagged") String untagged, @JsonProperty("Deleted") String deleted) {
    public static DeleteResponseItem untagged(String ref) {
        return new DeleteResponseItem(ref, null);
    }

    public static DeleteResponseItem deleted(String id) {
        return new DeleteResponseItem(null, id);
    }
}
