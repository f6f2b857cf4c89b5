package org.probity.jobs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.connectors.file.JsonLinesWriter;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.json.AvroJson;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.jobs.generate.TrafficGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code generate}: synthetic traffic for the four streams to a JSON Lines file or to Kafka, and
 * the ground truth of the alerts its planted violations must raise.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
    description = "Synthetic traffic of a county's units (from the rules file) with planted violations.")
final class GenerateCommand implements Callable<Integer> {
  private static final GeneratorSettings D = GeneratorSettings.DEFAULTS;

  @Spec CommandSpec spec;
  private final PrintStream err;

  Path out;

  @Option(names = "--out", paramLabel = "FILE", description = "write events here (JSON Lines)")
  void out(Path p) {
    out = Cli.outputFile(spec, "--out", p);
  }

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "or produce them to the event topics of this Kafka")
  String bootstrapServers;

  int rate;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
      description = "with Kafka: at most N events/s (default: as fast as possible)")
  void rate(int v) {
    rate = Cli.range(spec, "--rate", v, 0, 10_000_000);
  }

  Path truth;

  @Option(names = "--truth", paramLabel = "FILE", description = "write the ground-truth alerts here (JSON Lines, replay's order)")
  void truth(Path p) {
    truth = Cli.outputFile(spec, "--truth", p);
  }

  @Option(names = "--until", paramLabel = "TIME", description = "ground truth as of this clock (default: the last event time)")
  Instant until;

  @Option(names = "--rules", paramLabel = "FILE", description = "the rules file (default: the one shipped in the jar)")
  Path rules;

  @Option(names = "--start", paramLabel = "DATE", description = "first day, e.g. 2025-09-01 (default ${DEFAULT-VALUE})")
  java.time.LocalDate start = D.start();

  int days;

  @Option(names = "--days", paramLabel = "N", description = "(default ${DEFAULT-VALUE})")
  void days(int v) {
    days = Cli.range(spec, "--days", v, 1, 36500);
  }

  @Mixin TrafficOptions traffic = new TrafficOptions();

  int disorderSeconds;

  @Option(names = "--disorder-seconds", paramLabel = "N", defaultValue = "0",
      description = "emit events up to N s out of event-time order (default ${DEFAULT-VALUE})")
  void disorderSeconds(int v) {
    disorderSeconds = Cli.range(spec, "--disorder-seconds", v, 0, 86_400);
  }

  GenerateCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    if ((out == null) == (bootstrapServers == null)) {
      throw new ConfigException("generate: give exactly one of --out or --bootstrap-servers");
    }
    ProbityConfig config = ProbityJob.loadRules(rules);
    GeneratorSettings settings = traffic.applyTo(D.withDays(days).withStart(start)).withDisorderSeconds(disorderSeconds);
    TrafficGenerator generator = new TrafficGenerator(config, settings);
    AvroJson json = new AvroJson(config.zone());

    long started = System.nanoTime();
    Map<EventStream, Long> counts = new EnumMap<>(EventStream.class);
    if (out != null) {
      try (JsonLinesWriter w = new JsonLinesWriter(out, json)) {
        for (SpecificRecordBase event : generator) {
          w.writeEvent(event);
          count(counts, event, started, err);
        }
      }
    } else {
      KafkaTraffic.produce(generator, KafkaSettings.defaults(bootstrapServers), rate,
          event -> count(counts, event, started, err));
    }
    Map<String, Integer> planted = new TreeMap<>();
    var groundTruth = until == null ? generator.groundTruth() : generator.groundTruth(until);
    groundTruth.forEach(a -> planted.merge(a.getRuleId(), 1, Integer::sum));
    if (truth != null) {
      try (JsonLinesWriter w = new JsonLinesWriter(truth, json)) {
        groundTruth.forEach(w::write);
      }
    }
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    err.printf("generate: %d events %s, %d ground-truth alert records %s, %.1f s%n", total, counts,
        groundTruth.size(), planted, (System.nanoTime() - started) / 1e9);
    return 0;
  }

  private static long lastProgress;

  private static void count(Map<EventStream, Long> counts, SpecificRecordBase event, long started, PrintStream err) {
    counts.merge(EventStream.of(event), 1L, Long::sum);
    long now = System.nanoTime();
    if (now - lastProgress > 5_000_000_000L) {
      if (lastProgress != 0) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        err.printf("generate: %d events, %.0f events/s%n", total, total / ((now - started) / 1e9));
      }
      lastProgress = now;
    }
  }
}
