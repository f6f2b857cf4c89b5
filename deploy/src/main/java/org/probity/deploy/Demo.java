package org.probity.deploy;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.cli.Cli;
import org.probity.jobs.cli.TrafficOptions;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.schema.Alert;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * {@code probity demo}: a real KRaft Kafka broker on localhost, the topics, the monitoring centre's
 * console, the monitor on an embedded Flink MiniCluster (exactly-once alerts, as in production)
 * and the generator producing a county's traffic; a live line of events/s and alerts by rule
 * until Ctrl-C (or {@code --seconds}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
    description = {"Starts Kafka, Flink and the console in this process, generates traffic and shows the alerts",
        "being raised; prints the console's address and the demo account's password."})
final class Demo implements Callable<Integer> {
  /**
   * The demo's traffic: ten years of a county, with units that differ, so that the board settles
   * to the mix seed 003 reports (镇海, 2008: of 196 units 74 green, 6 red, the rest orange) rather
   * than every unit alike and all red. The arithmetic, with the rules file's index (a 90-day
   * window, YELLOW 2, RED 5, orange at 4, red at 15): at scale 2 a day of the county is about 200
   * events, so 500 events/s is about 2.5 days of event time per second and the window about 36 s
   * (scale 2 rather than generate's 4, whose window takes 73 s, so the board settles in the first
   * minute or so of traffic);
   * a unit violating at 5% scores some 80 points a window, at 0.5% some 8 (two or three cards,
   * orange). Spread 20 puts the units' rates between about 0.07% and 1.5%, expected scores between
   * about 1 and 24: the cleanest four or five stay green most of the time, the most
   * violation-prone three or four are red about half of it, the rest mostly orange. A score is a
   * handful of cards entering and leaving the window, so tiles change colour every few seconds
   * while the counts hold (measured over 1200 days with the default seed: on average 4.5 green,
   * 5.2 orange, 2.3 red; never more than 4 red, no red 2% of the time).
   */
  static final GeneratorSettings TRAFFIC = GeneratorSettings.DEFAULTS.withDays(3650).withScale(2)
      .withViolationRate(0.005).withUnitSpread(20);

  @Spec CommandSpec spec;
  private final PrintStream out;

  int rate;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "500", description = "generated events/s (default ${DEFAULT-VALUE})")
  void rate(int v) {
    rate = Cli.range(spec, "--rate", v, 1, 1_000_000);
  }

  int seconds;

  @Option(names = "--seconds", paramLabel = "N", defaultValue = "0", description = "stop after N seconds (default: run until Ctrl-C)")
  void seconds(int v) {
    seconds = Cli.range(spec, "--seconds", v, 0, 1_000_000);
  }

  Duration checkpoint;

  @Option(names = "--checkpoint-interval", paramLabel = "D", defaultValue = "2s",
      description = "exactly-once alert latency (default ${DEFAULT-VALUE})")
  void checkpoint(Duration d) {
    checkpoint = Cli.check(spec, "--checkpoint-interval", d, d.toMillis() >= 10 && d.compareTo(Duration.ofMinutes(5)) < 0,
        "must be from 10ms to under 5m");
  }

  Path rules;

  @Option(names = "--rules", paramLabel = "FILE", description = "the rules file (default: the one shipped in the jar)")
  void rules(Path p) {
    rules = Cli.inputFile(spec, "--rules", p);
  }

  @Mixin TrafficOptions traffic = new TrafficOptions();

  Demo(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    ProbityConfig config = rules != null ? RulesFile.load(rules) : RulesFile.defaults();
    GeneratorSettings generatorSettings = traffic.applyTo(TRAFFIC);

    Path dir = Files.createTempDirectory("probity-demo");
    // Ctrl-C: the hook asks the loop to stop, then holds the JVM until everything is closed.
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.set(true);
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    try (DemoStack stack = DemoStack.start(dir, config, checkpoint, Duration.ofSeconds(30), out)) {
      return monitor(out, stack.topics, config, generatorSettings, rate, seconds, checkpoint, stack.job, stop);
    } finally {
      // Released first: during Ctrl-C removeShutdownHook throws, and the hook must not wait forever.
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and has just been released.
      }
    }
  }

  private static int monitor(PrintStream out, KafkaSettings kafkaSettings, ProbityConfig config,
      GeneratorSettings generatorSettings, int rate, int seconds, Duration checkpoint, JobClient job,
      AtomicBoolean stop) throws Exception {
    AtomicLong produced = new AtomicLong();
    Thread generator = new Thread(() -> produce(config, generatorSettings, kafkaSettings, rate, produced, stop),
        "demo-generator");
    generator.setDaemon(true);
    generator.start();

    Map<String, Long> raisedByRule = new ConcurrentHashMap<>();
    AtomicLong alertRecords = new AtomicLong();
    Thread reader = new Thread(() -> readAlerts(kafkaSettings, raisedByRule, alertRecords, stop), "demo-alerts");
    reader.setDaemon(true);
    reader.start();

    out.println("probity demo: generating " + rate + " events/s; alerts appear as each checkpoint commits ("
        + checkpoint.toMillis() + " ms). Ctrl-C stops.");
    // On a terminal one line rewritten in place; in a file or pipe a line every 10 s.
    boolean terminal = System.console() != null && out == System.out;
    int width = terminalWidth();
    long started = System.nanoTime();
    long lastCount = 0;
    long lastTime = started;
    long lastLine = 0;
    try {
      while (!stop.get() && (seconds == 0 || System.nanoTime() - started < seconds * 1_000_000_000L)) {
        if (job.getJobStatus().get().isGloballyTerminalState()) {
          out.println((terminal ? "\n" : "") + "probity demo: the job stopped: " + job.getJobStatus().get());
          return 1;
        }
        Thread.sleep(2000);
        long now = System.nanoTime();
        if (!terminal && now - lastLine < 9_000_000_000L) {
          continue;
        }
        long count = produced.get();
        String line = progress((now - started) / 1_000_000_000L, count, (count - lastCount) / ((now - lastTime) / 1e9),
            alertRecords.get(), raisedByRule);
        if (terminal) {
          String cut = line.length() > width - 1 ? line.substring(0, width - 2) + "…" : line;
          out.print("\r" + cut + " ".repeat(Math.max(0, width - 1 - cut.length())));
          out.flush();
        } else {
          out.println(line);
        }
        lastCount = count;
        lastTime = now;
        lastLine = now;
      }
      if (terminal) {
        out.println();
      }
    } finally {
      stop.set(true);
      out.println("probity demo: stopping …");
      generator.join(10_000);
      reader.join(10_000);
    }
    return 0;
  }

  /**
   * {@code 12s  events 6,021 (501/s)  alert records 37, raised 29: SIGNATURE_CHAIN 9, OVERDUE 7, …}:
   * rules by alerts raised, most first, without their domain's prefix where that stays clear.
   */
  static String progress(long seconds, long events, double perSecond, long records, Map<String, Long> raisedByRule) {
    long raised = raisedByRule.values().stream().mapToLong(Long::longValue).sum();
    String rules = raisedByRule.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(e -> e.getKey().replaceFirst("^(APPROVAL|PAYMENT|PROCUREMENT|DECISION)_", "") + " " + e.getValue())
        .collect(java.util.stream.Collectors.joining(", "));
    return String.format("%4ds  events %,d (%,.0f/s)  alert records %,d, raised %,d%s", seconds, events, perSecond,
        records, raised, rules.isEmpty() ? "" : ": " + rules);
  }

  private static int terminalWidth() {
    try {
      return Math.max(40, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80")));
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  private static void produce(ProbityConfig config, GeneratorSettings settings, KafkaSettings kafka, int rate,
      AtomicLong produced, AtomicBoolean stop) {
    TrafficGenerator generator = new TrafficGenerator(config, settings);
    Iterable<SpecificRecordBase> events = () -> new java.util.Iterator<>() {
      final java.util.Iterator<SpecificRecordBase> it = generator.iterator();

      @Override
      public boolean hasNext() {
        return !stop.get() && it.hasNext();
      }

      @Override
      public SpecificRecordBase next() {
        return it.next();
      }
    };
    try {
      KafkaTraffic.produce(events, kafka, rate, e -> produced.incrementAndGet());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Counts alert records, and per rule the alerts raised (an escalation or resolution is not a new alert). */
  private static void readAlerts(KafkaSettings kafka, Map<String, Long> byRule, AtomicLong records, AtomicBoolean stop) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "probity-demo-console");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    SingleObjectCodec<Alert> codec = SingleObjectCodec.of(Alert.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(kafka.alertsTopic()));
      while (!stop.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          try {
            Alert a = codec.decode(r.value());
            if (a.getStatus() == org.probity.schema.AlertStatus.RAISED) {
              byRule.merge(a.getRuleId(), 1L, Long::sum);
            }
            records.incrementAndGet();
          } catch (Exception e) {
            byRule.merge("undecodable", 1L, Long::sum);
          }
        }
      }
    }
  }
}
