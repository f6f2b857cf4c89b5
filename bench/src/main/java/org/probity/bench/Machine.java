package org.probity.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/** What the figures were measured on: they mean nothing without it. */
record Machine(int cores, String cpu, String memory, String jdk, String date, String loadAverage) {
  static Machine describe() {
    return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(), readMemory(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + ", " + heap(),
        ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), currentLoadAverage());
  }

  /** The heap and collector options the JVM was started with (they move the figures), else its maximum heap. */
  private static String heap() {
    String flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-Xms") || a.startsWith("-Xmx") || a.startsWith("-XX:+Use") || a.equals("-XX:+AlwaysPreTouch"))
        .collect(Collectors.joining(" "));
    return flags.isEmpty() ? "-Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m" : flags;
  }

  /** The 1-, 5- and 15-minute load averages now: above the core count, other work shared the machine. */
  static String currentLoadAverage() {
    List<String> lines = lines("/proc/loadavg");
    if (lines.isEmpty()) {
      return "unknown";
    }
    String[] f = lines.get(0).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }

  private static String readCpuModel() {
    return lines("/proc/cpuinfo").stream()
        .filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst().orElse("unknown");
  }

  private static String readMemory() {
    return lines("/proc/meminfo").stream()
        .filter(l -> l.startsWith("MemTotal:"))
        .map(l -> String.format("%.1f GiB", Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
        .findFirst().orElse("unknown");
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException e) {
      return List.of();
    }
  }
}
