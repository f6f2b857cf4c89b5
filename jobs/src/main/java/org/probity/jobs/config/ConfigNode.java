package org.probity.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node of the rules file that knows its path ({@code parameters.approval.noticeWorkingDays}),
 * so every error names the field. Fields nobody asked for are reported by {@link #finish()}: a
 * misspelt parameter must not silently fall back to its default.
 */
public final class ConfigNode {
  /** The largest amount of the contract: 10^15 fen (ten trillion yuan). */
  public static final long MAX_FEN = 1_000_000_000_000_000L;

  private final JsonNode node;
  private final String path;
  private final Set<String> read = new HashSet<>();

  ConfigNode(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  public String path() {
    return path;
  }

  private String at(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private JsonNode get(String name) {
    read.add(name);
    JsonNode v = node == null ? null : node.get(name);
    return v == null || v.isNull() ? null : v;
  }

  public boolean has(String name) {
    return node != null && node.hasNonNull(name);
  }

  public ConfigException error(String field, String message) {
    return new ConfigException(at(field) + ": " + message);
  }

  /** A nested object; an absent one reads as empty (all defaults). */
  public ConfigNode child(String name) {
    JsonNode v = get(name);
    if (v != null && !v.isObject()) {
      throw error(name, "must be a mapping");
    }
    return new ConfigNode(v, at(name));
  }

  public List<ConfigNode> list(String name) {
    JsonNode v = get(name);
    List<ConfigNode> items = new ArrayList<>();
    if (v == null) {
      return items;
    }
    if (!v.isArray()) {
      throw error(name, "must be a list");
    }
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isObject()) {
        throw new ConfigException(at(name) + "[" + i + "]: must be a mapping");
      }
      items.add(new ConfigNode(v.get(i), at(name) + "[" + i + "]"));
    }
    return items;
  }

  public List<String> strings(String name) {
    JsonNode v = get(name);
    List<String> items = new ArrayList<>();
    if (v == null) {
      return items;
    }
    if (!v.isArray()) {
      throw error(name, "must be a list");
    }
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw error(name, "must be a list of strings");
      }
      items.add(item.textValue());
    }
    return items;
  }

  /** A mapping of names to whole numbers (e.g. per-category thresholds in fen). */
  public Map<String, Long> longMap(String name, long min, long max) {
    JsonNode v = get(name);
    Map<String, Long> map = new LinkedHashMap<>();
    if (v == null) {
      return map;
    }
    if (!v.isObject()) {
      throw error(name, "must be a mapping");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = v.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      JsonNode x = e.getValue();
      if (!x.isIntegralNumber() || !x.canConvertToLong() || x.longValue() < min || x.longValue() > max) {
        throw new ConfigException(at(name) + "." + e.getKey() + ": must be a whole number from " + min
            + " to " + max + ", got " + x);
      }
      map.put(e.getKey(), e.getValue().longValue());
    }
    return map;
  }

  public String string(String name) {
    JsonNode v = get(name);
    if (v == null) {
      throw error(name, "is required");
    }
    if (!v.isTextual() && !v.isNumber()) {
      throw error(name, "must be a string, got " + v);
    }
    String s = v.asText();
    if (s.isBlank()) {
      throw error(name, "must not be blank");
    }
    return s;
  }

  public String string(String name, String fallback) {
    return has(name) ? string(name) : markRead(name, fallback);
  }

  public boolean bool(String name) {
    JsonNode v = get(name);
    if (v == null) {
      throw error(name, "is required");
    }
    if (!v.isBoolean()) {
      throw error(name, "must be true or false, got " + v);
    }
    return v.booleanValue();
  }

  public int integer(String name, int fallback, int min, int max) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isIntegralNumber() || v.longValue() < min || v.longValue() > max) {
      throw error(name, "must be a whole number from " + min + " to " + max + ", got " + v);
    }
    return v.intValue();
  }

  public long fen(String name, long fallback) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    if (!v.isIntegralNumber() || v.canConvertToLong() && v.longValue() < 0) {
      throw error(name, "must be a whole number of fen ≥ 0, got " + v);
    }
    if (!v.canConvertToLong() || v.longValue() > MAX_FEN) {
      throw error(name, "must be at most " + MAX_FEN + " fen (10^15, the contract's largest amount), got " + v);
    }
    return v.longValue();
  }

  public Long optionalFen(String name) {
    return has(name) ? fen(name, 0) : markRead(name, null);
  }

  /** A string from a closed set; absent gives {@code fallback}. The error lists the allowed values. */
  public String oneOf(String name, List<String> allowed, String fallback) {
    if (!has(name)) {
      return markRead(name, fallback);
    }
    String value = string(name);
    if (!allowed.contains(value)) {
      throw error(name, "must be one of " + String.join(", ", allowed) + ", got \"" + value + "\"");
    }
    return value;
  }

  public double decimal(String name, double fallback, double min, double max) {
    JsonNode v = get(name);
    if (v == null) {
      return fallback;
    }
    // Written as "not within" so that a NaN is refused too.
    if (!v.isNumber() || !(v.doubleValue() >= min && v.doubleValue() <= max)) {
      throw error(name, "must be a number from " + min + " to " + max + ", got " + v);
    }
    return v.doubleValue();
  }

  private <T> T markRead(String name, T value) {
    read.add(name);
    return value;
  }

  /** Rejects fields this node does not know. Call after reading every field. */
  public void finish() {
    if (node == null) {
      return;
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!read.contains(name)) {
        throw error(name, "unknown field");
      }
    }
  }
}
