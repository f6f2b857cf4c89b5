package org.probity.deploy.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.deploy.KafkaAlerts;
import org.probity.jobs.cli.ProbityJob;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.schema.Alert;

/**
 * The upgrade test's savepoint: a release of the job runs on the first part of a fixed generated
 * traffic (seed, days, violation rate in {@code upgrade.properties}) until it has read it all, and
 * stops with a savepoint — open cases, vouchers, split groups, pending deadlines and Kafka offsets
 * in it. Stored with the alert records that release wrote before it stopped, the test restores the
 * savepoint into the current job, gives it the rest of the traffic, and expects the ground truth.
 *
 * <p>Regenerate after a change of the job's operator layout, on the release whose savepoints the
 * next one must restore: {@code java -cp "deploy/target/lib/*:deploy/target/classes"
 * org.probity.deploy.cluster.UpgradeSavepoint deploy/src/test/resources/upgrade}.
 */
public final class UpgradeSavepoint {
  public static final long SEED = 20261207L;
  public static final int DAYS = 40;
  public static final double VIOLATION_RATE = 0.08;
  public static final int PARTITIONS = 2;
  /** The share of the traffic the old release reads before its savepoint. */
  public static final double FIRST_PART = 0.5;
  static final String JOB = "upgrade";

  private UpgradeSavepoint() {}

  /** The fixed traffic, in the order it is produced. */
  public static TrafficGenerator traffic() {
    return new TrafficGenerator(RulesFile.defaults(), GeneratorSettings.DEFAULTS.withSeed(SEED).withDays(DAYS)
        .withViolationRate(VIOLATION_RATE).withDisorderSeconds(60));
  }

  /** The first {@code count} events of {@code all}, or those after them. */
  public static Iterable<SpecificRecordBase> part(List<SpecificRecordBase> all, int count, boolean first) {
    return first ? all.subList(0, count) : all.subList(count, all.size());
  }

  /** The run command both sides use; {@code more} adds e.g. the restore. */
  public static List<String> command(String bootstrap, Path checkpoints, String... more) {
    List<String> c = new ArrayList<>(List.of("run", "--bootstrap-servers", bootstrap, "--job-name", JOB,
        "--checkpoint-dir", checkpoints.toUri().toString(), "--checkpoint-interval", "1s",
        "--transaction-timeout", "60s", "--parallelism", "2", "--idleness", "5m"));
    c.addAll(List.of(more));
    return c;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: UpgradeSavepoint OUT_DIR   (e.g. deploy/src/test/resources/upgrade)");
      System.exit(2);
    }
    write(Path.of(args[0]), System.err);
  }

  /** Runs the first part, stops with a savepoint, and stores it under {@code out} with what it wrote. */
  public static void write(Path out, PrintStream log) throws Exception {
    Path work = Files.createTempDirectory("probity-upgrade");
    List<SpecificRecordBase> all = new ArrayList<>();
    traffic().forEach(all::add);
    int first = (int) (all.size() * FIRST_PART);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"))) {
      KafkaSettings topics = KafkaSettings.defaults(kafka.bootstrapServers());
      kafka.createTopics(topics, PARTITIONS);
      KafkaTraffic.produce(part(all, first, true), topics, 0, e -> { });
      int rest = StandaloneCluster.freePort();
      Path checkpoints = work.resolve("checkpoints");
      List<String> run = command(kafka.bootstrapServers(), checkpoints, "--rest-port", Integer.toString(rest));
      ByteArrayOutputStream said = new ByteArrayOutputStream();
      PrintStream runErr = new PrintStream(said, true, StandardCharsets.UTF_8);
      int[] code = {-1};
      Thread job = new Thread(() -> code[0] = ProbityJob.execute(run.toArray(String[]::new), log, runErr), "old-release");
      job.start();
      awaitConsumed(kafka, topics, job, said);
      ByteArrayOutputStream stopSaid = new ByteArrayOutputStream();
      int stopped = ProbityJob.execute(new String[] {"stop", "--rest-address", "127.0.0.1:" + rest, "--job-name", JOB,
          "--savepoint"}, log, new PrintStream(stopSaid, true, StandardCharsets.UTF_8));
      job.join(TimeUnit.MINUTES.toMillis(2));
      if (stopped != 0 || code[0] != 0) {
        throw new IllegalStateException("the old release did not stop with a savepoint: " + said + stopSaid);
      }
      Path savepoint;
      try (Stream<Path> found = Files.list(checkpoints.resolve(JOB).resolve("savepoints"))) {
        savepoint = found.findFirst().orElseThrow();
      }
      Path alertSchema = work.resolve("Alert.avsc");
      Files.writeString(alertSchema, Alert.getClassSchema().toString(true));
      List<KafkaAlerts.Seen> seen = KafkaAlerts.readAll(kafka.bootstrapServers(), topics.alertsTopic(), alertSchema);

      deleteTree(out);
      Files.createDirectories(out);
      copyTree(savepoint, out.resolve("savepoint"));
      Files.writeString(out.resolve("alerts-before-savepoint.jsonl"), seen.stream().map(UpgradeSavepoint::json)
          .collect(Collectors.joining("\n", "", "\n")));
      Properties p = new Properties();
      p.setProperty("seed", Long.toString(SEED));
      p.setProperty("days", Integer.toString(DAYS));
      p.setProperty("violationRate", Double.toString(VIOLATION_RATE));
      p.setProperty("partitions", Integer.toString(PARTITIONS));
      p.setProperty("eventsBeforeSavepoint", Integer.toString(first));
      p.setProperty("events", Integer.toString(all.size()));
      p.setProperty("written", Instant.now().toString());
      try (var w = Files.newBufferedWriter(out.resolve("upgrade.properties"))) {
        p.store(w, "UpgradeSavepoint: the traffic the savepoint was taken on (regenerate: see its javadoc)");
      }
      log.printf("upgrade savepoint: %d of %d events read, %d alert records written, savepoint stored in %s%n",
          first, all.size(), seen.size(), out.resolve("savepoint"));
    } finally {
      deleteTree(work);
    }
  }

  /** Waits until the job's group has committed (at a checkpoint) every record produced so far. */
  public static void awaitConsumed(EmbeddedKafka kafka, KafkaSettings topics, Thread job, ByteArrayOutputStream said)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      for (String t : topics.eventTopics().values()) {
        for (int p = 0; p < PARTITIONS; p++) {
          latest.put(new TopicPartition(t, p), OffsetSpec.latest());
        }
      }
      Map<TopicPartition, Long> end = admin.listOffsets(latest).all().get().entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
      while (true) {
        Map<TopicPartition, Long> committed = admin.listConsumerGroupOffsets(JOB).partitionsToOffsetAndMetadata()
            .get().entrySet().stream().filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        if (end.entrySet().stream().allMatch(e -> e.getValue() == 0
            || committed.getOrDefault(e.getKey(), -1L).equals(e.getValue()))) {
          return;
        }
        if (!job.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("the old release did not read its traffic: " + said);
        }
        Thread.sleep(200);
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static String json(KafkaAlerts.Seen s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stored alert records, as written. */
  public static List<KafkaAlerts.Seen> readAlerts(Path file) throws IOException {
    List<KafkaAlerts.Seen> seen = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        seen.add(JSON.readValue(line, KafkaAlerts.Seen.class));
      }
    }
    return seen;
  }

  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
