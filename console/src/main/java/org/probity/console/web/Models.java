package org.probity.console.web;

import java.time.LocalDate;
import java.util.List;
import org.probity.console.store.Rectifications;
import org.probity.console.store.StoredAlert;

/** What each printable or server-rendered page shows (one record per jte template). */
public final class Models {
  private Models() {}

  /** One problem on a notice: the alert and, once a notice listed it, its rectification. */
  public record Problem(int no, StoredAlert alert, Rectifications.Item item) {}

  /**
   * A unit's 预警告知书: as issued (numbered, its problems as listed then) or, before issuing, the
   * unit's open problems now ({@code notice} null).
   */
  public record NoticeView(String unitId, String unitName, Rectifications.Notice notice, LocalDate date,
      LocalDate due, int workingDays, List<Problem> problems, long open, int issuable, LocalDate today) {}

  /** A 监察建议书: the red cards still open after their rectification period. */
  public record SupervisionView(String unitId, String unitName, Rectifications.Notice notice,
      List<Rectifications.Item> items, List<Rectifications.Notice> warnings, LocalDate today) {}

  /** The rectification view of one unit: its notices to date and its open count. */
  public record RectificationView(String unitId, String unitName, long open, int issuable,
      List<Rectifications.Issued> notices, LocalDate today, int workingDays) {}

  /** One unit's line of the quarterly grade report. */
  public record GradeLine(String unitId, String unitName, String grade, Double score, String colour, int alerts,
      long open, List<String> topProblems) {}

  public record QuarterView(int year, int quarter, LocalDate from, LocalDate to, List<GradeLine> lines,
      LocalDate today) {}

  /** One rule's line of a unit's year. */
  public record RuleCount(String ruleId, int alerts, int red, long open) {}

  /** A unit's yearly 预警建议书, from its index at the year's end and its problems of the year. */
  public record YearlyView(String unitId, String unitName, int year, String grade, Double score, String colour,
      List<RuleCount> rules, int alerts, int notices, int rectified, int rectifiedOnTime, long open, LocalDate today) {}

  public record AuditView(List<org.probity.console.store.ConsoleStore.AuditEntry> entries) {}

  /** One version of the rules as the history shows it; {@code effectiveFrom} null for version 1 (from the start). */
  public record VersionRow(int version, java.time.Instant effectiveFrom, String author, String comment,
      java.time.Instant publishedAt, List<String> changes, boolean inForce, boolean pending) {}

  /** A version on the rules topic that the job refuses, and why. */
  public record RefusedRow(int version, String author, java.time.Instant publishedAt, String reason) {}

  /** The rule owners' page: the versions newest first, the refused ones, and the draft to start from (the latest). */
  public record RulesView(boolean empty, int inForce, int nextVersion, List<VersionRow> versions,
      List<RefusedRow> refused, List<String> unreadable, String draft, String effectiveDefault, String zone,
      int backtestDays) {}
}
