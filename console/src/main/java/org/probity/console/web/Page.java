package org.probity.console.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.probity.console.store.Rectifications;
import org.probity.jobs.alert.Money;
import org.probity.schema.Severity;

/**
 * What every server-rendered page (the jte templates under src/main/jte) needs: the language, the
 * centre's name, the zone of times, the words for codes, and whether the reader may act.
 */
public final class Page {
  private static final DateTimeFormatter ZH_DATE = DateTimeFormatter.ofPattern("yyyy年M月d日");
  private static final DateTimeFormatter EN_DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private final boolean en;
  private final String centre;
  private final ZoneId zone;
  private final Labels labels;
  private final boolean mayAct;

  Page(boolean en, String centre, ZoneId zone, Labels labels, boolean mayAct) {
    this.en = en;
    this.centre = centre;
    this.zone = zone;
    this.labels = labels;
    this.mayAct = mayAct;
  }

  public boolean en() {
    return en;
  }

  public String lang() {
    return en ? "en" : "zh-CN";
  }

  /** The query that keeps the language on a link. */
  public String q() {
    return en ? "?lang=en" : "";
  }

  public String t(String zh, String english) {
    return en ? english : zh;
  }

  public String centre() {
    return centre;
  }

  public boolean mayAct() {
    return mayAct;
  }

  public String date(LocalDate d) {
    return d == null ? "" : en ? EN_DATE.format(d) : ZH_DATE.format(d);
  }

  public String time(Instant t) {
    return t == null ? "" : TIME.format(t.atZone(zone));
  }

  public String money(Long fen) {
    return fen == null ? "" : Money.yuan(fen);
  }

  public String rule(String ruleId) {
    return labels.ruleName(ruleId, en);
  }

  public String reason(String code) {
    return labels.reason(code, en);
  }

  public String fix(String ruleId) {
    return labels.fix(ruleId, en);
  }

  public String severity(Severity s) {
    return switch (s) {
      case NOTICE -> t("预警", "Notice");
      case YELLOW -> t("黄牌", "Yellow card");
      case RED -> t("红牌", "Red card");
    };
  }

  /** A notice's number: 预警告字〔2026〕第3号, 监察建字〔2026〕第1号. */
  public String number(Rectifications.Notice n) {
    boolean warning = n.kind() == Rectifications.Kind.WARNING;
    return en ? (warning ? "Warning notice " : "Supervision recommendation ") + n.year() + "-" + n.serial()
        : (warning ? "预警告字" : "监察建字") + "〔" + n.year() + "〕第" + n.serial() + "号";
  }

  public String state(Rectifications.Item item, LocalDate today) {
    if (item.alert().resolved()) {
      return t("规则已办结", "Resolved by its rule");
    }
    String s = switch (item.state()) {
      case AWAITING -> t("整改中", "Being rectified");
      case FEEDBACK -> t("已反馈，待审核", "Report received, to decide");
      case RETURNED -> t("退回重新整改", "Sent back");
      case ACCEPTED -> t("整改验收，已办结", "Accepted, closed");
    };
    return item.overdue(today) ? s + t("（逾期）", " (overdue)") : s;
  }
}
