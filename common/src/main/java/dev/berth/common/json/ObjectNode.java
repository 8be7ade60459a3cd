package dev.berth.common.json;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A JSON object; members keep their order. Iterating an object yields its values, as Jackson's does. */
public final class ObjectNode extends JsonNode {
    private final Map<String, JsonNode> members = new LinkedHashMap<>();

    public ObjectNode() {}

    @Override
    public boolean isObject() {
        return true;
    }

    @Override
    public JsonNode path(String name) {
        JsonNode v = members.get(name);
        return v == null ? MISSING : v;
    }

    @Override
    public JsonNode get(String name) {
        return members.get(name);
    }

    @Override
    public boolean has(String name) {
        return members.containsKey(name);
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public Set<Map.Entry<String, JsonNode>> properties() {
        return Collections.unmodifiableMap(members).entrySet();
    }

    @Override
    public Collection<String> propertyNames() {
        return Collections.unmodifiableSet(members.keySet());
    }

    @Override
    public Iterator<JsonNode> iterator() {
        return Collections.unmodifiableCollection(members.values()).iterator();
    }

    public ObjectNode set(String name, JsonNode value) {
        members.put(name, value == null ? NULL : value);
        return this;
    }

    public ObjectNode setAll(Map<String, ? extends JsonNode> values) {
        values.forEach(this::set);
        return this;
    }

    /** Copies the members of {@code other} into this object. */
    public ObjectNode setAll(ObjectNode other) {
        other.members.forEach(this::set);
        return this;
    }

    public ObjectNode put(String name, String value) {
        return set(name, text(value));
    }

    public ObjectNode put(String name, boolean value) {
        return set(name, bool(value));
    }

    public ObjectNode put(String name, long value) {
        return set(name, number(value));
    }

    public ObjectNode put(String name, Boolean value) {
        return set(name, value == null ? NULL : bool(value));
    }

    public ObjectNode put(String name, Long value) {
        return set(name, value == null ? NULL : number(value));
    }

    public ObjectNode put(String name, Integer value) {
        return set(name, value == null ? NULL : number(value));
    }

    public ObjectNode put(String name, double value) {
        return set(name, new Real(value));
    }

    public ObjectNode putNull(String name) {
        return set(name, NULL);
    }

    public ObjectNode putObject(String name) {
        ObjectNode o = new ObjectNode();
        set(name, o);
        return o;
    }

    public ArrayNode putArray(String name) {
        ArrayNode a = new ArrayNode();
        set(name, a);
        return a;
    }

    public JsonNode remove(String name) {
        return members.remove(name);
    }

    /**
     * The object at the JSON pointer {@code pointer} (e.g. {@code "/BindOptions"}), made on the way
     * where absent, as Jackson's {@code withObject}.
     */
    public ObjectNode withObject(String pointer) {
        if (!pointer.startsWith("/")) throw new IllegalArgumentException("not a JSON pointer: " + pointer);
        ObjectNode at = this;
        for (String step : pointer.substring(1).split("/", -1)) {
            String name = step.replace("~1", "/").replace("~0", "~");
            JsonNode next = at.get(name);
            at = next instanceof ObjectNode o ? o : at.putObject(name);
        }
        return at;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectNode n && n.members.equals(members);
    }

    @Override
    public int hashCode() {
        return members.hashCode();
    }
}
