package dev.berth.common.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** A JSON array. */
public final class ArrayNode extends JsonNode {
    private final List<JsonNode> elements = new ArrayList<>();

    public ArrayNode() {}

    @Override
    public boolean isArray() {
        return true;
    }

    @Override
    public JsonNode path(int index) {
        return index >= 0 && index < elements.size() ? elements.get(index) : MISSING;
    }

    @Override
    public JsonNode get(int index) {
        return index >= 0 && index < elements.size() ? elements.get(index) : null;
    }

    @Override
    public int size() {
        return elements.size();
    }

    @Override
    public Iterator<JsonNode> iterator() {
        return Collections.unmodifiableList(elements).iterator();
    }

    public ArrayNode add(JsonNode value) {
        elements.add(value == null ? NULL : value);
        return this;
    }

    public ArrayNode add(String value) {
        return add(text(value));
    }

    public ArrayNode add(long value) {
        return add(number(value));
    }

    public ArrayNode add(boolean value) {
        return add(bool(value));
    }

    public ObjectNode addObject() {
        ObjectNode o = new ObjectNode();
        add(o);
        return o;
    }

    public ArrayNode addArray() {
        ArrayNode a = new ArrayNode();
        add(a);
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArrayNode a && a.elements.equals(elements);
    }

    @Override
    public int hashCode() {
        return elements.hashCode();
    }
}
