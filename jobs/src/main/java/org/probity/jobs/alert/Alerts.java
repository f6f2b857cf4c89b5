package org.probity.jobs.alert;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * Builds the contract's {@link Alert}. The alertId is a name-based UUID of (ruleId, reason, unitId,
 * subjectType, subjectId[, discriminator]): the same violation gets the same id in every run,
 * replay and restart, which is what lets the case system and the console drop repeats. The
 * discriminator separates violations that share a subject (e.g. two split-purchase groups of one
 * supplier a year apart).
 */
public final class Alerts {
  private Alerts() {}

  /**
   * The unit is part of the identity: a supplier, or a category and year, is a subject in every
   * unit that buys from it, and two units' violations must never share an alert.
   */
  public static String alertId(RuleId rule, String reason, String unitId, SubjectType subjectType, String subjectId,
      String discriminator) {
    String name = rule.name() + '|' + reason + '|' + unitId + '|' + subjectType.name() + '|' + subjectId
        + (discriminator == null ? "" : '|' + discriminator);
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  public static Builder of(RuleId rule, int ruleVersion, String reason) {
    return new Builder(rule, ruleVersion, reason);
  }

  /** Fluent builder; {@code detectedAt} defaults to {@code eventTime} (event-time detection, deterministic in replay). */
  public static final class Builder {
    private final RuleId rule;
    private final int ruleVersion;
    private final String reason;
    private Severity severity = Severity.YELLOW;
    private AlertStatus status = AlertStatus.RAISED;
    private String unitId;
    private SubjectType subjectType;
    private String subjectId;
    private String discriminator;
    private final List<String> personIds = new ArrayList<>();
    private Long amountFen;
    private Instant eventTime;
    private Instant detectedAt;
    private final List<String> evidence = new ArrayList<>();
    // Membership of evidence in O(1): an escalated split purchase can carry thousands of eventIds.
    private final Set<String> evidenceSeen = new HashSet<>();
    private String message;

    private Builder(RuleId rule, int ruleVersion, String reason) {
      this.rule = rule;
      this.ruleVersion = ruleVersion;
      this.reason = reason;
    }

    public Builder severity(Severity value) {
      severity = value;
      return this;
    }

    public Builder status(AlertStatus value) {
      status = value;
      return this;
    }

    public Builder unit(String value) {
      unitId = value;
      return this;
    }

    public Builder subject(SubjectType type, String id) {
      subjectType = type;
      subjectId = id;
      return this;
    }

    public Builder discriminator(String value) {
      discriminator = value;
      return this;
    }

    public Builder person(String id) {
      if (id != null && !personIds.contains(id)) {
        personIds.add(id);
      }
      return this;
    }

    public Builder persons(Iterable<String> ids) {
      ids.forEach(this::person);
      return this;
    }

    public Builder amountFen(Long value) {
      amountFen = value;
      return this;
    }

    public Builder eventTime(Instant value) {
      eventTime = value;
      return this;
    }

    public Builder detectedAt(Instant value) {
      detectedAt = value;
      return this;
    }

    public Builder evidence(String eventId) {
      if (eventId != null && evidenceSeen.add(eventId)) {
        evidence.add(eventId);
      }
      return this;
    }

    public Builder evidence(Iterable<String> eventIds) {
      eventIds.forEach(this::evidence);
      return this;
    }

    public Builder message(String value) {
      message = value;
      return this;
    }

    public Alert build() {
      return Alert.newBuilder()
          .setAlertId(alertId(rule, reason, unitId, subjectType, subjectId, discriminator))
          .setRuleId(rule.name())
          .setRuleVersion(ruleVersion)
          .setReason(reason)
          .setSeverity(severity)
          .setStatus(status)
          .setUnitId(unitId)
          .setSubjectType(subjectType)
          .setSubjectId(subjectId)
          .setPersonIds(List.copyOf(personIds))
          .setAmountFen(amountFen)
          .setEventTime(eventTime)
          .setDetectedAt(detectedAt == null ? eventTime : detectedAt)
          .setEvidence(List.copyOf(evidence))
          .setMessage(message == null ? rule.chineseName() : message)
          .build();
    }
  }
}
