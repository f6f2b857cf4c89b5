package org.probity.jobs.versions;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.probity.jobs.config.ProbityConfig;
import org.probity.schema.RulesVersion;

/**
 * The rules history a live job starts with: the rules topic read whole before the job is built,
 * so a restarted job knows every version published while it was down before its first event,
 * exactly as a replay of the same history does. An empty topic gets the job's rules file as
 * version 1, so the topic holds the whole history (the console and {@code probity rules} read it).
 * The fields that shape the dataflow are the job's rules file's ({@link RulesHistory#withStructureOf}).
 */
public final class RulesAtStart {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private RulesAtStart() {}

  /** {@code startText}: the text {@code start} was read from (null: a caller that has none; version 1 is not published). */
  public static RulesHistory read(Properties client, String topic, ProbityConfig start, String startText,
      PrintStream err) {
    RulesTopic.ensure(client, topic);
    List<RulesVersion> published = new ArrayList<>();
    for (RulesTopic.Read r : RulesTopic.readAll(client, topic, READ_TIMEOUT)) {
      if (r.version() == null) {
        err.println("probity run: " + topic + " partition " + r.partition() + " offset " + r.offset() + " skipped: "
            + r.error());
      } else {
        published.add(r.version());
      }
    }
    String text = startText == null ? "" : startText;
    if (startText != null && published.stream().noneMatch(v -> v.getVersion() == 1)) {
      RulesVersion first = RulesHistory.startingWith(start, text).firstAsRecord();
      RulesTopic.publish(client, topic, first);
      published.add(first);
      err.println("probity run: the rules file is version 1 on " + topic + " (the topic was empty)");
    }
    RulesHistory.Built built = RulesHistory.of(published, start, text);
    built.refused().forEach(r -> err.println("probity run: rules version " + r.version().getVersion()
        + " on " + topic + " is not applied: " + r.reason()));
    RulesHistory history = built.history().withStructureOf(start);
    RulesHistory.Version latest = history.latest();
    err.println("probity run: rules version " + latest.version() + " of " + history.versions().size()
        + " on " + topic + (latest.version() == 1 ? "" : " (" + latest.author() + ": " + latest.comment()
        + "; judges from " + Instant.ofEpochMilli(latest.effectiveFrom()) + ")"));
    return history;
  }
}
