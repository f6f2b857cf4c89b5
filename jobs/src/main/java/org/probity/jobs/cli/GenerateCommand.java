package org.probity.jobs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
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

/**
 * {@code generate}: synthetic traffic for the four streams to a JSON Lines file or to Kafka, and
 * the ground truth of the alerts its planted violations must raise.
 */
final class GenerateCommand {
  static final String HELP = """
      probity generate (--out EVENTS.jsonl | --bootstrap-servers HOST:PORT) [options]
        Synthetic traffic of a county's units (from the rules file) with planted violations.
        --out FILE               write events here (JSON Lines)
        --bootstrap-servers HP   or produce them to the event topics of this Kafka
        --rate N                 with Kafka: at most N events/s (default: as fast as possible)
        --truth FILE             write the ground-truth alerts here (JSON Lines, replay's order)
        --until TIME             ground truth as of this clock (default: the last event time)
        --rules FILE             the rules file (default: the one shipped in the jar)
        --seed N                 (default %d)
        --start DATE             first day, e.g. 2025-09-01 (default %s)
        --days N                 (default %d)
        --scale N                subjects per unit, working day and stream (default %d)
        --violation-rate R       share of subjects with a planted violation, 0..1 (default %s)
        --unit-spread S          the most violation-prone unit violates S times as often as the
                                 cleanest, the others evenly between on a log scale, averaging R
                                 (which unit is which: from the seed) (default %s: every unit alike)
        --disorder-seconds N     emit events up to N s out of event-time order (default 0)
      """.formatted(GeneratorSettings.DEFAULTS.seed(), GeneratorSettings.DEFAULTS.start(),
      GeneratorSettings.DEFAULTS.days(), GeneratorSettings.DEFAULTS.scale(),
      GeneratorSettings.DEFAULTS.violationRate(), GeneratorSettings.DEFAULTS.unitSpread());

  private GenerateCommand() {}

  static int run(String[] argv, PrintStream err) throws Exception {
    Args args = Args.parse("generate", argv, Set.of("out", "bootstrap-servers", "rate", "truth", "until", "rules",
        "seed", "start", "days", "scale", "violation-rate", "unit-spread", "disorder-seconds"), Set.of());
    if (args.help()) {
      err.print(HELP);
      return 0;
    }
    if (args.has("out") == args.has("bootstrap-servers")) {
      throw new ConfigException("generate: give exactly one of --out or --bootstrap-servers");
    }
    ProbityConfig config = ProbityJob.loadRules(args);
    GeneratorSettings d = GeneratorSettings.DEFAULTS;
    GeneratorSettings settings = new GeneratorSettings(args.longValue("seed", d.seed()), args.date("start", d.start()),
        args.integer("days", d.days(), 1, 36500), args.integer("scale", d.scale(), 1, 100_000),
        args.decimal("violation-rate", d.violationRate(), 0, 1), args.integer("disorder-seconds", 0, 0, 86_400),
        args.decimal("unit-spread", d.unitSpread(), 1, 1_000_000));
    Path truthOut = args.has("truth") ? args.outputFile("truth") : null;
    Instant until = args.instant("until");
    TrafficGenerator generator = new TrafficGenerator(config, settings);
    AvroJson json = new AvroJson(config.zone());

    long started = System.nanoTime();
    Map<EventStream, Long> counts = new EnumMap<>(EventStream.class);
    if (args.has("out")) {
      try (JsonLinesWriter w = new JsonLinesWriter(args.outputFile("out"), json)) {
        for (SpecificRecordBase event : generator) {
          w.writeEvent(event);
          count(counts, event, started, err);
        }
      }
    } else {
      KafkaTraffic.produce(generator, KafkaSettings.defaults(args.required("bootstrap-servers")),
          args.integer("rate", 0, 0, 10_000_000), event -> count(counts, event, started, err));
    }
    Map<String, Integer> planted = new TreeMap<>();
    var truth = until == null ? generator.groundTruth() : generator.groundTruth(until);
    truth.forEach(a -> planted.merge(a.getRuleId(), 1, Integer::sum));
    if (truthOut != null) {
      try (JsonLinesWriter w = new JsonLinesWriter(truthOut, json)) {
        truth.forEach(w::write);
      }
    }
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    err.printf("generate: %d events %s, %d ground-truth alert records %s, %.1f s%n", total, counts, truth.size(),
        planted, (System.nanoTime() - started) / 1e9);
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
