package dev.berth.image;

/**
 * Where pull and push report what they do, in Docker's vocabulary ({@code Pulling fs layer},
 * {@code Downloading}, {@code Pull complete}, {@code Pushed}...). The API turns each call into one
 * JSON progress message. Implementations must be thread-safe: layers report in parallel.
 */
public interface Progress {
    Progress NONE = new Progress() {
        @Override
        public void status(String id, String status) {}

        @Override
        public void progress(String id, String status, long current, long total) {}

        @Override
        public void aux(Object value) {}
    };

    /** A status line; {@code id} is a short layer id, a tag, or null for a line of its own. */
    void status(String id, String status);

    /** A progress bar of layer {@code id}; {@code total} -1 when unknown. */
    void progress(String id, String status, long current, long total);

    /** A structured result (push: Tag, Digest, Size). */
    void aux(Object value);
}
