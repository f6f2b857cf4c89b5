package org.probity.jobs.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.versions.RulesDiff;
import org.probity.jobs.versions.RulesHistory;
import org.probity.jobs.versions.RulesTopic;
import org.probity.schema.RulesVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rules publish}: a rules file as the next version on the rules topic, which the running job
 * applies from {@code --effective-from} on, in event time. Checked as the job will check it ({@link
 * RulesHistory#accept}) against what the topic holds, and shown as what it changes from the version
 * in force ({@link RulesDiff}) before it is published; a version the job would refuse is never published.
 */
@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
    description = {"Publishes FILE (a complete rules file) as the next rules version, effective from a time",
        "not before now; shows what it changes first."})
final class RulesPublishCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  Path file;

  @Parameters(index = "0", paramLabel = "FILE", description = "the complete rules file of the new version")
  void file(Path p) {
    file = Cli.inputFile(spec, "FILE", p);
  }

  Instant effectiveFrom;

  @Option(names = "--effective-from", required = true, paramLabel = "TIME", description = {
      "the event time from which it judges, e.g. 2026-01-01T00:00:00+08:00; not before now: a version",
      "applies only forward"})
  void effectiveFrom(Instant t) {
    effectiveFrom = Cli.check(spec, "--effective-from", t, !t.isBefore(Instant.now()),
        "must not be before now (a version applies only forward, to events from its effectiveFrom on)");
  }

  String comment;

  @Option(names = "--comment", required = true, paramLabel = "TEXT", description = "why (kept with the version)")
  void comment(String text) {
    comment = Cli.check(spec, "--comment", text, !text.isBlank(), "must say why the rules change");
  }

  @Option(names = "--author", paramLabel = "NAME", defaultValue = "${env:USER}",
      description = "who publishes it (default: $USER)")
  String author;

  @Option(names = "--dry-run", description = "check it and show what it changes; publish nothing")
  boolean dryRun;

  @Option(names = "--yes", description = "publish without asking")
  boolean yes;

  @Mixin RulesTopicOptions topic = new RulesTopicOptions();

  RulesPublishCommand() {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (author == null || author.isBlank()) {
      throw new ConfigException("rules publish: --author: $USER is not set; name who publishes the version");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    ProbityConfig config = RulesFile.parse(text, file.getFileName().toString());
    Properties client = topic.client();

    List<RulesVersion> published = topic.published(client, err);
    RulesHistory.Built built = RulesTopicOptions.history(published);
    built.refused().forEach(r -> err.println("rules publish: version " + r.version().getVersion() + " on "
        + topic.topic + " was refused and is not in force: " + r.reason()));
    RulesHistory history = built.history();
    int highest = published.stream().mapToInt(RulesVersion::getVersion).max().orElse(1);
    RulesVersion candidate = RulesVersion.newBuilder()
        .setVersion(Math.max(highest, history.latest().version()) + 1)
        .setAuthor(author).setComment(comment).setEffectiveFrom(effectiveFrom).setPublishedAt(Instant.now())
        .setRules(text).build();
    try {
      history.accept(candidate);
    } catch (ConfigException e) {
      throw new ConfigException("rules publish: " + file.getFileName() + ": " + e.getMessage());
    }
    RulesHistory.Version inForce = history.inForceAt(effectiveFrom.toEpochMilli());
    List<RulesDiff.Change> changes = RulesDiff.between(inForce.config(), config);
    if (changes.isEmpty()) {
      throw new ConfigException("rules publish: " + file.getFileName() + ": changes nothing from version "
          + inForce.version() + ", the version in force at " + effectiveFrom);
    }
    AvroJson json = new AvroJson(config.zone());
    if (published.stream().noneMatch(v -> v.getVersion() == 1)) {
      out.println("(" + topic.topic + " has no version 1 yet: a job publishes its rules file as version 1 when it"
          + " starts; until then version 1 is the rules shipped in the jar)");
    }
    out.println("rules version " + candidate.getVersion() + " by " + author + ", effective from "
        + json.formatTime(effectiveFrom) + ": " + comment);
    out.println(changes.size() + (changes.size() == 1 ? " change" : " changes") + " from version "
        + inForce.version() + ":");
    changes.forEach(c -> out.println("  " + c));
    if (dryRun) {
      out.println("dry run: nothing published");
      return 0;
    }
    if (!yes && !confirmed(out, candidate.getVersion())) {
      out.println("not published");
      return 1;
    }
    topic.ensureTopic(client, out);
    RulesTopic.publish(client, topic.topic, candidate);
    out.println("published rules version " + candidate.getVersion() + " to " + topic.topic);
    return 0;
  }

  private boolean confirmed(PrintWriter out, int version) throws IOException {
    out.print("publish version " + version + "? [y/N] ");
    out.flush();
    String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
  }
}
