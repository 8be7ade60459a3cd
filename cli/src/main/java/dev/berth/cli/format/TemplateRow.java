package dev.berth.cli.format;

import java.util.List;
import java.util.Map;

/**
 * A row object for {@code --format}, exposing the same fields and methods as the Docker CLI's
 * formatter contexts (e.g. {@code .ID}, {@code .Names}, {@code .Label "k"}).
 */
public interface TemplateRow {
    /** Returned by {@link #field} when the row has no such field or method. */
    Object MISSING = new Object() {
        @Override
        public String toString() {
            return "<missing>";
        }
    };

    /**
     * Value of field {@code name}, or the result of calling method {@code name} with {@code args};
     * {@link #MISSING} when the row has neither.
     */
    Object field(String name, List<Object> args);

    /** What {@code {{json .}}} prints: Docker marshals every no-argument method by name. */
    Map<String, Object> jsonFields();

    /** Type name used in "can't evaluate field" errors. */
    default String typeName() {
        return "*formatter.Context";
    }
}
