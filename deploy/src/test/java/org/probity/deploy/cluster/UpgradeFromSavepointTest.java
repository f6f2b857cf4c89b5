package org.probity.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FileReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.deploy.KafkaAlerts;
import org.probity.deploy.chaos.ChaosRun;
import org.probity.jobs.cli.ProbityJob;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.jobs.generate.TrafficGenerator;

/**
 * An upgrade keeps state: the savepoint in {@code src/test/resources/upgrade} was taken by an
 * earlier release of the job halfway through a fixed traffic ({@link UpgradeSavepoint}); the
 * current job restores it (every stateful operator must find its state: no state is dropped), reads
 * the rest, and the alert records of both releases together are exactly the whole traffic's ground
 * truth — open cases, vouchers, split groups and pending deadlines carried across.
 */
class UpgradeFromSavepointTest {
  private static final Path STORED = Path.of("src", "test", "resources", "upgrade");
  @TempDir
  Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aSavepointOfThePreviousReleaseRestoresIntoThisOne() throws Exception {
    Properties stored = new Properties();
    try (FileReader r = new FileReader(STORED.resolve("upgrade.properties").toFile(), StandardCharsets.UTF_8)) {
      stored.load(r);
    }
    assertThat(Long.parseLong(stored.getProperty("seed"))).as("the traffic the savepoint was taken on")
        .isEqualTo(UpgradeSavepoint.SEED);
    TrafficGenerator generator = UpgradeSavepoint.traffic();
    List<SpecificRecordBase> all = new ArrayList<>();
    generator.forEach(all::add);
    assertThat(all).hasSize(Integer.parseInt(stored.getProperty("events")));
    int first = Integer.parseInt(stored.getProperty("eventsBeforeSavepoint"));

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      KafkaSettings topics = KafkaSettings.defaults(kafka.bootstrapServers());
      kafka.createTopics(topics, Integer.parseInt(stored.getProperty("partitions")));
      // The same records at the same offsets as the old release saw them, then the rest.
      KafkaTraffic.produce(UpgradeSavepoint.part(all, first, true), topics, 0, e -> { });
      KafkaTraffic.produce(UpgradeSavepoint.part(all, first, false), topics, 0, e -> { });
      Path savepoint = dir.resolve("savepoint");
      UpgradeSavepoint.copyTree(STORED.resolve("savepoint"), savepoint);

      // Unbounded, as the old release ran (its restored Kafka splits carry no stopping offsets); once it
      // has read everything it stops with a drained savepoint: the end of input fires every pending
      // deadline, as in the ground truth.
      int rest = StandaloneCluster.freePort();
      ByteArrayOutputStream said = new ByteArrayOutputStream();
      PrintStream runErr = new PrintStream(said, true, StandardCharsets.UTF_8);
      String[] run = UpgradeSavepoint.command(kafka.bootstrapServers(), dir.resolve("checkpoints"),
          "--from-savepoint", savepoint.toString(), "--rest-port", Integer.toString(rest)).toArray(String[]::new);
      int[] code = {-1};
      Thread job = new Thread(() -> code[0] = ProbityJob.execute(run, System.out, runErr), "new-release");
      job.start();
      UpgradeSavepoint.awaitConsumed(kafka, topics, job, said);
      org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
      conf.set(org.apache.flink.configuration.RestOptions.ADDRESS, "127.0.0.1");
      conf.set(org.apache.flink.configuration.RestOptions.PORT, rest);
      try (var client = new org.apache.flink.client.program.rest.RestClusterClient<>(conf, "upgrade")) {
        var id = client.listJobs().get(1, TimeUnit.MINUTES).iterator().next().getJobId();
        client.stopWithSavepoint(id, true, dir.resolve("drained").toUri().toString(),
            org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
      }
      job.join(TimeUnit.MINUTES.toMillis(2));
      System.err.print(said);
      assertThat(code[0]).as(said.toString()).isZero();
      assertThat(said.toString()).contains("probity run: resuming from " + savepoint.toUri().toString()
          .replaceAll("/$", ""));

      List<KafkaAlerts.Seen> seen = new ArrayList<>(
          UpgradeSavepoint.readAlerts(STORED.resolve("alerts-before-savepoint.jsonl")));
      int before = seen.size();
      seen.addAll(KafkaAlerts.readAll(kafka.bootstrapServers(), topics.alertsTopic(),
          new ChaosRun(dir, System.err).alertSchema()));
      ChaosRun.Figures f = ChaosRun.compare(List.of(), generator.groundTruth(java.time.Instant.MAX), seen, 1,
          Duration.ZERO);
      System.err.println("upgrade: " + before + " alert records before the savepoint, " + (seen.size() - before)
          + " after; " + f.summary());
      assertThat(before).as("the old release raised alerts before its savepoint").isPositive();
      assertThat(seen.size() - before).as("and this one after").isPositive();
      assertThat(f.exact()).as(f.summary()).isTrue();
    }
  }
}
