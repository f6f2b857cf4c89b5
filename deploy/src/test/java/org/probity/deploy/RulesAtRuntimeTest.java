package org.probity.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.file.JsonLinesWriter;
import org.probity.connectors.json.AvroJson;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.deploy.chaos.ChaosRun;
import org.probity.jobs.cli.ProbityJob;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.versions.RulesHistoryFile;
import org.probity.jobs.versions.RulesTopic;
import org.probity.schema.DeadLetter;
import org.probity.schema.RulesVersion;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * Rules changed while {@code probity run} runs, in its own JVM, on a real broker: a lowered
 * 三重一大 threshold and a longer notice (version 2) judge from their effectiveFrom on and not
 * before; an invalid version is a dead letter and the job carries on; after a SIGKILL and a
 * restart the version in force still judges; a unit's own signing chain (version 4, published
 * after the restart) changes that unit's verdicts from its instant on. Then the same month replayed
 * with the topic's history gives exactly the alerts the live job delivered.
 */
class RulesAtRuntimeTest {
  /** The generated month is September 2025 (Asia/Shanghai); versions 2 and 4 take effect at these instants. */
  static final Instant T1 = Instant.parse("2025-09-10T16:00:00Z");
  static final Instant T2 = Instant.parse("2025-09-20T16:00:00Z");
  static final String LARGE = "PAYMENT_LARGE_WITHOUT_DECISION";
  static final long OLD_THRESHOLD = 10_000_000L;

  /** Kept when the test fails: run-1.log and run-2.log say what the job saw. */
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void versionsPublishedWhileTheJobRunsJudgeFromTheirInstantSurviveARestartAndReplayAlike() throws Exception {
    String shipped;
    try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(RulesFile.DEFAULT_RESOURCE)) {
      shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ProbityConfig config = RulesFile.parse(shipped, "shipped");
    String lowered = replace(replace(shipped, "largeFundsThresholdFen: 10000000 ", "largeFundsThresholdFen: 2000000 "),
        "noticeWorkingDays: 1 ", "noticeWorkingDays: 3 ");
    String chain = replace(lowered, "  - {id: U02, name: 县教育局}",
        "  - {id: U02, name: 县教育局, signingChain: [DISCIPLINE, DEPUTY, PRINCIPAL]}");

    List<SpecificRecordBase> month = new ArrayList<>();
    TrafficGenerator generator = new TrafficGenerator(config, GeneratorSettings.DEFAULTS.withViolationRate(0.3));
    generator.forEach(month::add);
    Path events = dir.resolve("events.jsonl");
    try (JsonLinesWriter w = new JsonLinesWriter(events, new AvroJson(config.zone()))) {
      month.forEach(w::writeEvent);
    }
    Instant judged = clockAtTheEnd(month, 2);

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      KafkaSettings topics = KafkaSettings.defaults(kafka.bootstrapServers());
      kafka.createTopics(topics, 2);
      Properties client = topics.client();
      Path log4j = dir.resolve("log4j2.properties");
      Files.writeString(log4j, ChaosRun.LOG_CONFIG);
      List<String> run = ChaosRun.probity(log4j, "run", "--bootstrap-servers", kafka.bootstrapServers(),
          "--job-name", "rules", "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(),
          "--checkpoint-interval", "500ms", "--transaction-timeout", "30s", "--parallelism", "2", "--idleness", "5m");

      Process job = start(run, dir.resolve("run-1.log"));
      try {
        awaitLine(job, dir.resolve("run-1.log"), "probity run: rules version");
        produce(month, topics, e -> time(e).isBefore(T1));
        publish(client, 2, T1, lowered, "三重一大 threshold ¥20,000; notice 3 working days ahead");
        publish(client, 3, T1, replace(lowered, "noticeWorkingDays: 3 ", "noticeWorkingDays: three "), "a typo");
        Await.until("dead letter of version 3", Duration.ofMinutes(1),
            () -> deadLetters(client, topics).stream().anyMatch(d -> d.getError().contains("rules version 3")));
        produce(month, topics, e -> !time(e).isBefore(T1) && time(e).isBefore(T2));
        Await.until("alerts of the second third committed", Duration.ofMinutes(2),
            () -> alerts(kafka, topics).stream().anyMatch(a -> a.eventTime() > T2.minus(Duration.ofDays(2)).toEpochMilli()));
      } finally {
        job.destroyForcibly();
        job.waitFor(1, TimeUnit.MINUTES);
      }

      job = start(run, dir.resolve("run-2.log"));
      try {
        awaitLine(job, dir.resolve("run-2.log"), "probity run: rules version");
        assertThat(Files.readString(dir.resolve("run-2.log"))).contains("resuming from")
            .contains("rules version 3 on probity.rules is not applied")
            .contains("rules version 2 of 2 on probity.rules");
        publish(client, 4, T2, chain, "U02: the discipline secretary signs first");
        publish(client, 5, T2, "{}", "empty");
        Await.until("dead letter of version 5", Duration.ofMinutes(1),
            () -> deadLetters(client, topics).stream().anyMatch(d -> d.getError().contains("rules version 5")));
        produce(month, topics, e -> !time(e).isBefore(T2));

        // The same month replayed with the topic's history: what the live job must have delivered.
        Path history = dir.resolve("history.jsonl");
        RulesHistoryFile.write(history, RulesTopic.readAll(client, RulesTopic.DEFAULT, Duration.ofSeconds(30)).stream()
            .map(RulesTopic.Read::version).toList(), config.zone());
        Path replayed = dir.resolve("replayed.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(ProbityJob.execute(new String[] {"replay", "--events", events.toString(), "--alerts",
            replayed.toString(), "--rules-history", history.toString()}, new PrintStream(err, true)))
            .as(err.toString()).isZero();
        // The live job's clock stops short of the month's end (no more events): compare what both have judged.
        List<String> expected = KafkaAlerts.readJsonLines(replayed).stream()
            .filter(a -> a.eventTime() < judged.toEpochMilli())
            .map(KafkaAlerts.Seen::comparable).sorted().toList();
        assertThat(expected).hasSizeGreaterThan(200);
        List<String>[] live = new List[1];
        boolean same = Await.within(Duration.ofMinutes(3), () -> {
          live[0] = alerts(kafka, topics).stream().filter(a -> a.eventTime() < judged.toEpochMilli())
              .map(KafkaAlerts.Seen::comparable).sorted().toList();
          return live[0].equals(expected);
        });
        assertThat(live[0]).as("live alerts equal the replay's with the same rules history")
            .containsExactlyElementsOf(expected);
        assertThat(same).isTrue();

        List<KafkaAlerts.Seen> seen = alerts(kafka, topics).stream()
            .filter(a -> a.eventTime() < judged.toEpochMilli()).toList();
        assertThat(seen).allSatisfy(a -> assertThat(a.rulesVersion()).as(a.comparable())
            .isEqualTo(a.eventTime() < T1.toEpochMilli() ? 1 : a.eventTime() < T2.toEpochMilli() ? 2 : 4));
        Predicate<KafkaAlerts.Seen> onlyUnderTheLowerThreshold = a -> a.ruleId().equals(LARGE)
            && a.status().equals("RAISED") && !a.unitId().equals("U04") && a.amountFen() != null
            && a.amountFen() < OLD_THRESHOLD;
        assertThat(seen).as("payments between the two thresholds: judged large from version 2's instant on")
            .filteredOn(onlyUnderTheLowerThreshold).isNotEmpty()
            .allSatisfy(a -> assertThat(a.eventTime()).isGreaterThanOrEqualTo(T1.toEpochMilli()));
        assertThat(seen).as("U02 vouchers signed deputy first: out of order from version 4's instant on")
            .filteredOn(a -> a.unitId().equals("U02") && a.reason().equals("OUT_OF_ORDER")).isNotEmpty()
            .allSatisfy(a -> assertThat(a.eventTime()).isGreaterThanOrEqualTo(T2.toEpochMilli()));
        assertThat(deadLetters(client, topics)).filteredOn(d -> d.getSourceTopic().equals(RulesTopic.DEFAULT))
            .hasSize(2)
            .allSatisfy(d -> assertThat(d.getSourceOffset()).isNotNull())
            .anySatisfy(d -> assertThat(d.getError()).contains("parameters.approval.noticeWorkingDays"));
      } finally {
        job.destroyForcibly();
        job.waitFor(1, TimeUnit.MINUTES);
      }
    }
  }

  /**
   * Where the live job's event-time clock stops once the month is read: the earliest of the
   * topic-partitions' last event times (each partition holds its watermark back) less the
   * out-of-orderness bound, and a minute more.
   */
  private static Instant clockAtTheEnd(List<SpecificRecordBase> month, int partitions) {
    Map<String, Instant> lastByPartition = new java.util.HashMap<>();
    for (SpecificRecordBase e : month) {
      int p = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
          KafkaTraffic.subjectKey(e).getBytes(StandardCharsets.UTF_8))) % partitions;
      lastByPartition.merge(e.getClass().getSimpleName() + "/" + p, time(e), (a, b) -> a.isAfter(b) ? a : b);
    }
    assertThat(lastByPartition).hasSize(4 * partitions);
    return lastByPartition.values().stream().min(Instant::compareTo).orElseThrow()
        .minus(Duration.ofMinutes(3));
  }

  private static Instant time(SpecificRecordBase e) {
    return (Instant) e.get("eventTime");
  }

  private static String replace(String text, String from, String to) {
    assertThat(text).contains(from);
    return text.replace(from, to);
  }

  private static void produce(List<SpecificRecordBase> month, KafkaSettings topics,
      Predicate<SpecificRecordBase> which) throws InterruptedException {
    KafkaTraffic.produce(month.stream().filter(which).toList(), topics, 0, e -> { });
  }

  private static void publish(Properties client, int version, Instant from, String rules, String comment) {
    RulesTopic.publish(client, RulesTopic.DEFAULT, RulesVersion.newBuilder().setVersion(version).setAuthor("analyst")
        .setComment(comment).setEffectiveFrom(from).setPublishedAt(Instant.now()).setRules(rules).build());
  }

  private static Process start(List<String> command, Path log) throws Exception {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void awaitLine(Process job, Path log, String line) throws Exception {
    Await.until("'" + line + "' from probity run", Duration.ofMinutes(2), () -> {
      if (!job.isAlive()) {
        throw new IllegalStateException("probity run exited with " + job.exitValue() + ": " + Files.readString(log));
      }
      return Files.exists(log) && Files.readString(log).contains(line);
    });
  }

  /** The committed alerts so far; none while a transaction is still open (the next poll sees them). */
  private static List<KafkaAlerts.Seen> alerts(EmbeddedKafka kafka, KafkaSettings topics) throws Exception {
    try {
      return KafkaAlerts.readAll(kafka.bootstrapServers(), topics.alertsTopic(),
          Path.of("../schemas/src/main/avro/Alert.avsc"));
    } catch (IllegalStateException e) {
      return List.of();
    }
  }

  private static List<DeadLetter> deadLetters(Properties client, KafkaSettings topics) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    SingleObjectCodec<DeadLetter> codec = SingleObjectCodec.of(DeadLetter.class);
    List<DeadLetter> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topics.deadLetterTopic()).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            all.add(codec.decode(r.value()));
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return all;
  }
}
