package org.probity.console.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.KafkaException;
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
  /** Well below the console's request time limit, so a broker out of reach is answered, not cut off. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

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

    /** The record as published of {@code v} (version 1's author and time live only there). */
    public java.util.Optional<RulesVersion> record(RulesHistory.Version v) {
      return published.stream().filter(r -> r.getVersion() == v.version() && r.getRules().equals(v.rules()))
          .findFirst();
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

  /** The rules topic cannot be read or written now (Kafka down, no rights): one line saying so. */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public Snapshot read() {
    List<RulesTopic.Read> all;
    try {
      all = RulesTopic.readAll(client, topic, READ_TIMEOUT);
    } catch (KafkaException | IllegalStateException e) {
      throw new Unavailable("rules topic " + topic + ": cannot be read now: " + e.getMessage(), e);
    }
    List<RulesVersion> published = new ArrayList<>();
    List<RulesTopic.Read> unreadable = new ArrayList<>();
    for (RulesTopic.Read r : all) {
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
    try {
      RulesTopic.publish(client, topic, version);
    } catch (KafkaException | IllegalStateException e) {
      throw new Unavailable(e.getMessage(), e);
    }
  }
}
