package org.probity.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.file.JsonLinesWriter;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.cli.ProbityJob;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.testing.GroundTruth;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalEvent;

/** Bad inputs replayed on a real MiniCluster (the {@code replay} command): none stops or corrupts the job. */
class BadInputReplayTest {
  @TempDir
  Path dir;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final ProbityConfig config = RulesFile.defaults();
  private final AvroJson json = new AvroJson(config.zone());

  private TrafficGenerator generate(Path file, GeneratorSettings settings) {
    TrafficGenerator generator = new TrafficGenerator(config, settings);
    try (JsonLinesWriter w = new JsonLinesWriter(file, json)) {
      for (SpecificRecordBase e : generator) {
        w.writeEvent(e);
      }
    }
    return generator;
  }

  private List<Alert> readAlerts(Path file) throws Exception {
    List<Alert> alerts = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      alerts.add(json.read(MAPPER.readTree(line), Alert.class));
    }
    return alerts;
  }

  @Test
  void aSecondVersionOfAnEventIdIsADeadLetterAndTheFirstStands() throws Exception {
    Path events = dir.resolve("events.jsonl");
    TrafficGenerator generator = generate(events, GeneratorSettings.DEFAULTS.withDays(10));
    List<String> lines = new ArrayList<>(Files.readAllLines(events));
    int at = -1;
    for (int i = 0; i < lines.size() && at < 0; i++) {
      if (lines.get(i).contains("\"action\":\"RECEIVED\"")) {
        at = i;
      }
    }
    String original = lines.get(at);
    ApprovalEvent first = json.read(MAPPER.readTree(original), ApprovalEvent.class);
    // The same eventId with other content (another applicant): before, it was dropped as a repeat, unseen.
    // (A repeated eventId is the same event, so of the same subject: de-duplication is the subject's.)
    String conflicting = original.replace("\"applicantId\":\"" + first.getApplicantId() + "\"",
        "\"applicantId\":\"FORGED\"");
    assertThat(conflicting).isNotEqualTo(original);
    lines.add(at + 1, conflicting);
    Files.write(events, lines);

    Path alerts = dir.resolve("alerts.jsonl");
    Path dead = dir.resolve("dead.jsonl");
    assertThat(ProbityJob.execute(new String[] {"replay", "--events", events.toString(), "--alerts",
        alerts.toString(), "--dead-letters", dead.toString()}, System.err)).isZero();

    List<String> deadLines = Files.readAllLines(dead);
    assertThat(deadLines).hasSize(1);
    assertThat(deadLines.get(0)).contains("conflicting duplicate", first.getEventId(), "\"sourceTopic\":\"approval\"",
        "\"rawSha256\":\"");
    GroundTruth.assertSameAlerts(readAlerts(alerts), generator.groundTruth());
  }

  @Test
  void oneEventDatedAheadOfItsNeighboursReplaysToTheSameBytesEveryRunAndAtAnyParallelism() throws Exception {
    Path events = dir.resolve("events.jsonl");
    generate(events, GeneratorSettings.DEFAULTS.withDays(30).withDisorderSeconds(60));
    List<String> lines = new ArrayList<>(Files.readAllLines(events));
    // A mistyped date two days ahead of the file (within the decoder's future bound): the replay's
    // watermark jumps when it is read; where that jump lands must not depend on the wall clock.
    IngestDecoder decoder = new IngestDecoder(json);
    int at = lines.size() / 2;
    SpecificRecordBase ahead = decoder.fromJsonLine("events.jsonl", at + 1, lines.get(at)).event();
    Instant t = (Instant) ahead.get("eventTime");
    ahead.put("eventTime", t.plus(Duration.ofDays(2)));
    lines.set(at, decoder.toJsonLine(ahead));
    Files.write(events, lines);

    byte[] first = null;
    for (int parallelism : new int[] {2, 1, 2, 2}) {
      Path alerts = dir.resolve("alerts-" + System.nanoTime() + ".jsonl");
      assertThat(ProbityJob.execute(new String[] {"replay", "--events", events.toString(), "--alerts",
          alerts.toString(), "--parallelism", String.valueOf(parallelism)}, System.err)).isZero();
      byte[] bytes = Files.readAllBytes(alerts);
      if (first == null) {
        first = bytes;
        assertThat(bytes).isNotEmpty();
      } else {
        assertThat(new String(bytes, StandardCharsets.UTF_8)).as("parallelism %d", parallelism)
            .isEqualTo(new String(first, StandardCharsets.UTF_8));
      }
    }
  }
}
