package org.probity.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.probity.jobs.config.ConfigException;

/**
 * {@code --name value} options of one command, checked against the options it knows. Every
 * problem is a one-line {@link ConfigException} naming the option.
 */
public final class Args {
  private final String command;
  private final Map<String, String> values = new HashMap<>();
  private final boolean help;

  private Args(String command, boolean help) {
    this.command = command;
    this.help = help;
  }

  /** Parses {@code args}; {@code flags} take no value, {@code options} take one. */
  public static Args parse(String command, String[] args, Set<String> options, Set<String> flags) {
    boolean help = false;
    Args parsed = null;
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        help = true;
        continue;
      }
      if (!a.startsWith("--")) {
        throw new ConfigException(command + ": unexpected argument '" + a + "' (see " + command + " --help)");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name)) {
        values.put(name, value == null ? "true" : value);
      } else if (options.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new ConfigException(command + ": --" + name + " needs a value");
          }
          value = args[++i];
        }
        values.put(name, value);
      } else {
        throw new ConfigException(command + ": unknown option --" + name + " (see " + command + " --help)");
      }
    }
    parsed = new Args(command, help);
    parsed.values.putAll(values);
    return parsed;
  }

  public boolean help() {
    return help;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public boolean flag(String name) {
    return Boolean.parseBoolean(values.getOrDefault(name, "false"));
  }

  public String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public String required(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new ConfigException(command + ": --" + name + " is required (see " + command + " --help)");
    }
    return v;
  }

  private ConfigException bad(String name, String what) {
    return new ConfigException(command + ": --" + name + ": " + what + ", got '" + values.get(name) + "'");
  }

  public int integer(String name, int fallback, int min, int max) {
    if (!has(name)) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(values.get(name));
      if (v < min || v > max) {
        throw bad(name, "must be from " + min + " to " + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw bad(name, "must be a whole number");
    }
  }

  public long longValue(String name, long fallback) {
    if (!has(name)) {
      return fallback;
    }
    try {
      return Long.parseLong(values.get(name));
    } catch (NumberFormatException e) {
      throw bad(name, "must be a whole number");
    }
  }

  public double decimal(String name, double fallback, double min, double max) {
    if (!has(name)) {
      return fallback;
    }
    try {
      double v = Double.parseDouble(values.get(name));
      if (!(v >= min && v <= max)) {
        throw bad(name, "must be from " + min + " to " + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw bad(name, "must be a number");
    }
  }

  /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 7d}, or ISO-8601 {@code PT2M}. */
  public Duration duration(String name, Duration fallback) {
    if (!has(name)) {
      return fallback;
    }
    String v = values.get(name).trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("p")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      for (var unit : List.of(Map.entry("ms", 1L), Map.entry("s", 1000L), Map.entry("m", 60_000L),
          Map.entry("h", 3_600_000L), Map.entry("d", 86_400_000L))) {
        if (v.endsWith(unit.getKey())) {
          String number = v.substring(0, v.length() - unit.getKey().length());
          return Duration.ofMillis(Long.parseLong(number) * unit.getValue());
        }
      }
      throw bad(name, "must be a duration such as 500ms, 30s, 2m, 1h, 7d");
    } catch (NumberFormatException | DateTimeParseException e) {
      throw bad(name, "must be a duration such as 500ms, 30s, 2m, 1h, 7d");
    }
  }

  /** An ISO-8601 instant with an offset, e.g. {@code 2025-10-31T24:00:00+08:00} is not, {@code 2025-11-01T00:00:00+08:00} is. */
  public Instant instant(String name) {
    if (!has(name)) {
      return null;
    }
    try {
      return OffsetDateTime.parse(values.get(name)).toInstant();
    } catch (DateTimeParseException e) {
      throw bad(name, "must be an ISO-8601 time with an offset, e.g. 2025-11-01T00:00:00+08:00");
    }
  }

  public LocalDate date(String name, LocalDate fallback) {
    if (!has(name)) {
      return fallback;
    }
    try {
      return LocalDate.parse(values.get(name));
    } catch (DateTimeParseException e) {
      throw bad(name, "must be a date such as 2025-09-01");
    }
  }

  /** A file that must exist. */
  public Path existingFile(String name) {
    Path p = Path.of(required(name));
    if (!Files.isRegularFile(p)) {
      throw new ConfigException(command + ": --" + name + ": no such file '" + p + "'");
    }
    return p;
  }

  /** A file to write; its folder must exist. */
  public Path outputFile(String name) {
    Path p = Path.of(required(name)).toAbsolutePath();
    if (p.getParent() != null && !Files.isDirectory(p.getParent())) {
      throw new ConfigException(command + ": --" + name + ": folder does not exist '" + p.getParent() + "'");
    }
    return p;
  }

  public <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
    if (!has(name)) {
      return fallback;
    }
    String v = values.get(name).trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(v)) {
        return e;
      }
    }
    StringBuilder options = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      options.append(options.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw bad(name, "must be one of " + options);
  }
}
