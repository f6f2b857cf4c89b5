package org.probity.jobs.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.probity.jobs.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * What every Probity command line shares: the value types (durations, instants), the checks, and
 * one line naming the option for every mistake, checked before anything starts (exit code 2).
 */
public final class Cli {
  /** Exit code of a bad option, value or rules file. */
  public static final int USAGE_ERROR = 2;

  private Cli() {}

  /**
   * Runs {@code command} on {@code args}: help and version to {@code out}; a bad option or value, or
   * a {@link ConfigException} thrown while checking or running, as one line on {@code err}.
   */
  public static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = command instanceof CommandLine c ? c : commandLine(command);
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setParameterExceptionHandler((e, a) -> {
      String name = e.getCommandLine().getCommandSpec().qualifiedName();
      Map<String, CommandLine> commands = e.getCommandLine().getSubcommands();
      if (e instanceof CommandLine.UnmatchedArgumentException u && !commands.isEmpty()
          && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
        // picocli suggests only the commands that look alike; name them all.
        err.println(name + ": unknown command '" + u.getUnmatched().get(0) + "'; the commands are "
            + String.join(", ", new java.util.TreeSet<>(commands.keySet())) + " (see " + name + " --help)");
        return USAGE_ERROR;
      }
      err.println(name + ": " + oneLine(e.getMessage()) + " (see " + name + " --help)");
      return USAGE_ERROR;
    });
    cl.setExecutionExceptionHandler((e, c, parsed) -> {
      if (e instanceof ConfigException) {
        err.println(c.getCommandSpec().root().name() + ": " + oneLine(e.getMessage()));
        return USAGE_ERROR;
      }
      throw e;
    });
    return cl.execute(args);
  }

  /** The command with Probity's value types registered. */
  public static CommandLine commandLine(Object command) {
    CommandLine cl = new CommandLine(command);
    cl.registerConverter(Duration.class, Cli::duration);
    cl.registerConverter(Instant.class, Cli::instant);
    cl.registerConverter(LocalDate.class, Cli::date);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setUsageHelpAutoWidth(false);
    return cl;
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.strip().replace('\n', ' ');
  }

  private static final List<Map.Entry<String, Long>> UNITS = List.of(Map.entry("ms", 1L), Map.entry("s", 1000L),
      Map.entry("m", 60_000L), Map.entry("h", 3_600_000L), Map.entry("d", 86_400_000L));

  /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 7d}, or ISO-8601 {@code PT2M}; an overflow is an error. */
  public static Duration duration(String text) {
    String v = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("p") || v.startsWith("-p")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      for (Map.Entry<String, Long> unit : UNITS) {
        if (v.endsWith(unit.getKey())) {
          String number = v.substring(0, v.length() - unit.getKey().length()).trim();
          if (!number.isEmpty() && (Character.isDigit(number.charAt(0)) || number.charAt(0) == '-')) {
            return Duration.ofMillis(Math.multiplyExact(Long.parseLong(number), unit.getValue()));
          }
        }
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new TypeConversionException("'" + text + "' is not a duration such as 500ms, 30s, 2m, 1h, 7d"
          + (e instanceof ArithmeticException ? " (too large)" : ""));
    }
    throw new TypeConversionException("'" + text + "' is not a duration such as 500ms, 30s, 2m, 1h, 7d");
  }

  static Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new TypeConversionException("'" + text
          + "' is not an ISO-8601 time with an offset, e.g. 2025-11-01T00:00:00+08:00");
    }
  }

  static LocalDate date(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new TypeConversionException("'" + text + "' is not a date such as 2025-09-01");
    }
  }

  /** A checked value: {@code value} if {@code ok}, else a one-line error naming {@code option}. */
  public static <T> T check(CommandSpec spec, String option, T value, boolean ok, String must) {
    if (!ok) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + must
          + ", got '" + format(value) + "'");
    }
    return value;
  }

  public static int range(CommandSpec spec, String option, int v, int min, int max) {
    return check(spec, option, v, v >= min && v <= max, "must be from " + min + " to " + max);
  }

  public static double range(CommandSpec spec, String option, double v, double min, double max) {
    return check(spec, option, v, v >= min && v <= max, "must be from " + min + " to " + max);
  }

  /** A file that must exist and be a regular file. */
  public static java.nio.file.Path inputFile(CommandSpec spec, String option, java.nio.file.Path p) {
    return check(spec, option, p, java.nio.file.Files.isRegularFile(p),
        java.nio.file.Files.isDirectory(p) ? "is a folder, not a file" : "no such file");
  }

  /** A file to write: not a folder, and its folder must exist. */
  public static java.nio.file.Path outputFile(CommandSpec spec, String option, java.nio.file.Path p) {
    java.nio.file.Path abs = p.toAbsolutePath();
    check(spec, option, p, !java.nio.file.Files.isDirectory(abs), "is a folder; name a file to write");
    return check(spec, option, abs, abs.getParent() == null || java.nio.file.Files.isDirectory(abs.getParent()),
        "its folder does not exist");
  }

  /** An enum value as the command line spells it: {@code exactly-once} for {@code EXACTLY_ONCE}. */
  public static <E extends Enum<E>> E choice(CommandSpec spec, String option, Class<E> type, String v) {
    String wanted = v.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    StringBuilder options = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(wanted)) {
        return e;
      }
      options.append(options.length() == 0 ? "" : ", ").append(spelling(e));
    }
    throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': must be one of "
        + options + ", got '" + v + "'");
  }

  public static String spelling(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String format(Object value) {
    if (value instanceof Duration d) {
      return d.toString();
    }
    return String.valueOf(value);
  }
}
