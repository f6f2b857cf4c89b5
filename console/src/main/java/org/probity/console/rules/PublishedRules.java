package org.probity.console.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.versions.RulesHistory;
import org.probity.jobs.versions.RulesTopic;
import org.probity.schema.RulesVersion;

/**
 * The rules topic as the rule owners' pages see it: read whole on every look (it is small and
 * compacted, and the job may have published version 1 since), and the one place the console
 * publishes to it.
 */
public final class PublishedRules {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final Properties client;
  private final String topic;
  private final ProbityConfig startConfig;

  /** {@code startConfig}: the console's rules file, version 1 only until the job has published its own. */
  public PublishedRules(Properties client, String topic, ProbityConfig startConfig) {
    this.client = client;
    this.topic = topic;
    this.startConfig = startConfig;
  }

  /**
   * What the topic holds: the history its versions make, the versions it refused (with why) and
   * the records that are not versions at all.
   */
  public record Snapshot(RulesHistory history, List<RulesVersion> published, List<RulesHistory.Refused> refused,
      List<RulesTopic.Read> unreadable) {
    public boolean empty() {
      return published.isEmpty();
    }

    /** The record as published of version {@code n} (version 1's author and time live only there). */
    public java.util.Optional<RulesVersion> record(int n) {
      return published.stream().filter(v -> v.getVersion() == n).findFirst();
    }

    public RulesHistory.Version inForce(Instant now) {
      return history.inForceAt(now.toEpochMilli());
    }

    /**
     * The number the next publication takes: above every record on the topic, refused ones
     * included, so a publication never replaces a record (the topic is compacted by version).
     */
    public int nextVersion() {
      int highest = published.stream().mapToInt(RulesVersion::getVersion).max().orElse(0);
      return Math.max(highest, history.latest().version()) + 1;
    }
  }

  public Snapshot read() {
    List<RulesVersion> published = new ArrayList<>();
    List<RulesTopic.Read> unreadable = new ArrayList<>();
    for (RulesTopic.Read r : RulesTopic.readAll(client, topic, READ_TIMEOUT)) {
      if (r.version() != null) {
        published.add(r.version());
      } else {
        unreadable.add(r);
      }
    }
    RulesHistory.Built built = RulesHistory.of(published, startConfig, "");
    return new Snapshot(built.history(), List.copyOf(published), built.refused(), unreadable);
  }

  public void publish(RulesVersion version) {
    RulesTopic.publish(client, topic, version);
  }
}
