package org.probity.console.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.probity.console.auth.Account;
import org.probity.console.ingest.UnitBoard;
import org.probity.console.rules.DraftBacktest;
import org.probity.console.rules.PublishedRules;
import org.probity.console.rules.RulesDraft;
import org.probity.console.store.ConsoleStore;
import org.probity.jobs.backtest.BacktestReport;
import org.probity.jobs.backtest.Difference;
import org.probity.jobs.backtest.RuleUnitRow;
import org.probity.jobs.versions.RulesDiff;
import org.probity.jobs.versions.RulesHistory;
import org.probity.schema.RulesVersion;

/**
 * The rule owners' pages (规则管理): the version in force and the history of the rules topic, the
 * editor whose draft is checked as the job will check it, the draft's backtest on the stored
 * events, and publishing it as the next version. {@link WebApp} lets only rule owners in.
 */
final class RulesPages {
  /** A rules file names every person and unit of a county: more than the console's 64 KiB for other bodies. */
  static final int MAX_RULES_BODY = 1024 * 1024;
  /** What the publish form proposes: an hour for the job's operators to see the version coming. */
  static final Duration DEFAULT_LEAD = Duration.ofHours(1);
  static final int DEFAULT_BACKTEST_DAYS = 30;
  static final int MAX_BACKTEST_DAYS = 366;
  static final String PUBLISHED = "RULES_PUBLISH";
  static final String REFUSED = "RULES_REFUSED";

  private final PublishedRules topic;
  private final DraftBacktest backtest;
  private final ConsoleStore store;
  private final UnitBoard board;
  private final Clock clock;
  private final ZoneId zone;
  private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

  RulesPages(PublishedRules topic, DraftBacktest backtest, ConsoleStore store, UnitBoard board, Clock clock,
      ZoneId zone) {
    this.topic = topic;
    this.backtest = backtest;
    this.store = store;
    this.board = board;
    this.clock = clock;
    this.zone = zone;
  }

  /** Answers {@code path} (under /rules or /api/rules/) for a rule owner; 503 while the rules topic is out of reach. */
  void handle(HttpExchange ex, Account who, Page p, String path, String method) throws Exception {
    try {
      route(ex, who, p, path, method);
    } catch (PublishedRules.Unavailable e) {
      if (path.equals("/rules")) {
        Http.html(ex, 503, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>503</title>"
            + "<link rel=\"stylesheet\" href=\"/static/notice.css\"></head><body><article class=\"notice unknown\">"
            + "<p class=\"none\" id=\"refused\">" + Http.escape(e.getMessage()) + "</p><p><a href=\"/\">"
            + p.t("返回监察台", "Back to the console") + "</a></p></article></body></html>");
      } else {
        Http.error(ex, 503, e.getMessage());
      }
    }
  }

  private void route(HttpExchange ex, Account who, Page p, String path, String method) throws Exception {
    boolean get = method.equals("GET") || method.equals("HEAD");
    if (path.equals("/rules") && get) {
      page(ex, p);
    } else if (path.equals("/api/rules/check") && method.equals("POST")) {
      withBody(ex, body -> check(ex, who, body));
    } else if (path.equals("/api/rules/backtest") && method.equals("POST")) {
      withBody(ex, body -> backtest(ex, who, body));
    } else if (path.startsWith("/api/rules/backtest/") && get) {
      backtestRun(ex, p, path.substring("/api/rules/backtest/".length()));
    } else if (path.equals("/api/rules/publish") && method.equals("POST")) {
      withBody(ex, body -> publish(ex, who, body));
    } else {
      Http.error(ex, 404, "not found");
    }
  }

  @FunctionalInterface
  private interface BodyAction {
    void run(JsonNode body) throws Exception;
  }

  private static void withBody(HttpExchange ex, BodyAction action) throws Exception {
    String body = Http.body(ex, MAX_RULES_BODY);
    if (body == null) {
      Http.error(ex, 413, "request too large (a rules file of at most " + MAX_RULES_BODY / 1024 + " KiB)");
      return;
    }
    JsonNode n;
    try {
      n = Views.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      n = null;
    }
    if (n == null || !n.path("rules").isTextual()) {
      Http.error(ex, 400, "the body must be JSON such as {\"rules\": \"<the rules file>\"}");
      return;
    }
    action.run(n);
  }

  // ---------------------------------------------------------------- the page

  private void page(HttpExchange ex, Page p) throws IOException {
    PublishedRules.Snapshot s = topic.read();
    Instant now = clock.instant();
    RulesHistory.Version inForce = s.inForce(now);
    List<RulesHistory.Version> all = s.history().versions();
    List<Models.VersionRow> rows = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      RulesHistory.Version v = all.get(i);
      RulesVersion record = s.record(v).orElse(null);
      List<String> changes = i == 0 ? List.of()
          : RulesDiff.between(all.get(i - 1).config(), v.config()).stream().map(RulesDiff.Change::toString).toList();
      rows.add(new Models.VersionRow(v.version(), i == 0 ? null : Instant.ofEpochMilli(v.effectiveFrom()),
          record == null ? v.author() : record.getAuthor(), record == null ? v.comment() : record.getComment(),
          record == null ? null : record.getPublishedAt(), changes, v.version() == inForce.version(),
          i > 0 && v.effectiveFrom() > now.toEpochMilli()));
    }
    List<Models.RefusedRow> refused = s.refused().stream().map(r -> new Models.RefusedRow(r.version().getVersion(),
        r.version().getAuthor(), r.version().getPublishedAt(), r.reason())).toList();
    List<String> unreadable = s.unreadable().stream()
        .map(r -> "partition " + r.partition() + ", offset " + r.offset() + ": " + r.error()).toList();
    String effective = LocalDateTime.ofInstant(defaultEffective(s, now), zone).truncatedTo(ChronoUnit.MINUTES)
        .toString();
    Models.RulesView v = new Models.RulesView(s.empty(), inForce.version(), s.nextVersion(), rows, refused, unreadable,
        s.empty() ? "" : s.history().latest().rules(), effective, zone.getId(), DEFAULT_BACKTEST_DAYS);
    StringOutput out = new StringOutput();
    templates.render("rules.jte", Map.of("p", p, "v", v), out);
    Http.html(ex, 200, out.toString());
  }

  // ---------------------------------------------------------------- check, backtest, publish

  /** {@code effectiveFrom} as the form's local time in the console's zone; null when absent. */
  private Instant effectiveFrom(JsonNode body) {
    String text = body.path("effectiveFrom").asText("");
    if (text.isBlank()) {
      return null;
    }
    try {
      return LocalDateTime.parse(text).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("effectiveFrom: a local time such as 2026-12-07T10:30 (" + zone
          + "), got \"" + text + "\"");
    }
  }

  /** An hour from now, or when the latest version takes effect if that is later (versions take effect in order). */
  private static Instant defaultEffective(PublishedRules.Snapshot s, Instant now) {
    Instant lead = now.plus(DEFAULT_LEAD);
    long latest = s.history().latest().effectiveFrom();
    return latest > lead.toEpochMilli() ? Instant.ofEpochMilli(latest).plus(Duration.ofMinutes(1)) : lead;
  }

  private RulesDraft.Verdict verdict(PublishedRules.Snapshot s, Account who, JsonNode body, Instant effective) {
    Instant now = clock.instant();
    return RulesDraft.check(s, body.get("rules").asText(), who.username(), body.path("comment").asText(""),
        effective == null ? defaultEffective(s, now) : effective, now);
  }

  private void check(HttpExchange ex, Account who, JsonNode body) throws IOException {
    Instant effective;
    try {
      effective = effectiveFrom(body);
    } catch (IllegalArgumentException e) {
      Http.error(ex, 400, e.getMessage());
      return;
    }
    Http.json(ex, 200, verdictJson(verdict(topic.read(), who, body, effective)));
  }

  private static ObjectNode verdictJson(RulesDraft.Verdict v) {
    ObjectNode n = Views.JSON.createObjectNode();
    n.put("accepted", v.accepted());
    n.put("version", v.version().getVersion());
    n.put("comparedWith", v.comparedWith());
    n.put("error", v.error());
    ArrayNode changes = n.putArray("changes");
    for (RulesDiff.Change c : v.changes()) {
      changes.addObject().put("kind", c.kind().name()).put("path", c.path()).put("before", c.before())
          .put("after", c.after()).put("text", c.toString());
    }
    return n;
  }

  /** Starts a backtest of the draft on the last {@code days} days; the page then asks for its run. */
  private void backtest(HttpExchange ex, Account who, JsonNode body) throws Exception {
    int days = body.path("days").asInt(DEFAULT_BACKTEST_DAYS);
    if (days < 1 || days > MAX_BACKTEST_DAYS) {
      Http.error(ex, 400, "days: 1 to " + MAX_BACKTEST_DAYS + ", got " + days);
      return;
    }
    PublishedRules.Snapshot s = topic.read();
    RulesDraft.Verdict v = verdict(s, who, body, null);
    if (!v.accepted()) {
      Http.error(ex, 400, v.error());
      return;
    }
    Instant until = clock.instant();
    DraftBacktest.Run run;
    try {
      run = backtest.start(s.inForce(until), v, until.minus(Duration.ofDays(days)), until, who.username());
    } catch (DraftBacktest.Busy e) {
      Http.error(ex, 503, e.getMessage());
      return;
    }
    Http.json(ex, 202, Map.of("run", run.number()));
  }

  /** A run's state: running, failed (with why) or done (with the outcome). */
  private void backtestRun(HttpExchange ex, Page p, String number) throws IOException {
    Optional<DraftBacktest.Run> run = number.matches("[0-9]{1,18}") ? backtest.run(Long.parseLong(number))
        : Optional.empty();
    if (run.isEmpty()) {
      Http.error(ex, 404, "no backtest " + number + " (only the latest run is kept)");
      return;
    }
    if (!run.get().outcome().isDone()) {
      Http.json(ex, 200, Map.of("state", "running"));
      return;
    }
    String failure = DraftBacktest.failure(run.get());
    if (failure != null) {
      Http.json(ex, 200, Map.of("state", "failed", "error", failure));
      return;
    }
    Http.json(ex, 200, outcomeJson(run.get().outcome().join(), p).put("state", "done"));
  }

  /** The backtest as the page draws it: names from the labels and the board, times in the console's zone. */
  private ObjectNode outcomeJson(DraftBacktest.Outcome o, Page p) {
    BacktestReport r = o.report();
    ObjectNode n = Views.JSON.createObjectNode();
    n.put("events", r.scope().events()).put("deadLetters", r.scope().deadLetters()).put("inForce", o.inForce())
        .put("draft", o.draft()).put("from", p.time(r.scope().from())).put("until", p.time(r.scope().until()))
        .put("onlyDraft", r.onlyAgainst().size()).put("onlyInForce", r.onlyOld().size())
        .put("changed", r.changed().size());
    ArrayNode rows = n.putArray("rows");
    for (RuleUnitRow row : r.byRuleAndUnit()) {
      rows.addObject().put("ruleId", row.ruleId()).put("rule", p.rule(row.ruleId())).put("unitId", row.unitId())
          .put("unit", board.name(row.unitId())).put("onlyDraft", row.onlyNew()).put("onlyInForce", row.onlyOld())
          .put("changed", row.changed());
    }
    ArrayNode examples = n.putArray("examples");
    for (Difference d : o.examples()) {
      examples.addObject().put("kind", d.kind().name()).put("alertId", d.alertId()).put("rule", p.rule(d.ruleId()))
          .put("unit", board.name(d.unitId())).put("subjectId", d.subjectId()).put("reason", p.reason(d.reason()))
          .put("what", d.what()).put("inForce", d.oldSummary()).put("draft", d.newSummary());
    }
    return n;
  }

  /**
   * Publishes the draft as latest+1, after checking it again against the topic as it is now; one
   * at a time, so two rule owners of this console never take the same number. Every refusal and
   * every publication goes in the audit trail.
   */
  private synchronized void publish(HttpExchange ex, Account who, JsonNode body) throws IOException, SQLException {
    Instant now = clock.instant();
    PublishedRules.Snapshot s = topic.read();
    String target = "rules v" + s.nextVersion();
    String comment = body.path("comment").asText("").strip();
    String problem = null;
    Instant effective = null;
    try {
      effective = effectiveFrom(body);
    } catch (IllegalArgumentException e) {
      problem = e.getMessage();
    }
    if (problem == null && effective == null) {
      problem = "effectiveFrom: required (from when the version judges events)";
    } else if (problem == null && effective.isBefore(now)) {
      problem = "effectiveFrom: " + LocalDateTime.ofInstant(effective, zone).truncatedTo(ChronoUnit.MINUTES)
          + " is in the past; a version judges events from now on";
    } else if (problem == null && comment.isEmpty()) {
      problem = "comment: required (the notice or decision behind the change)";
    } else if (problem == null && comment.length() > 1000) {
      problem = "comment: at most 1000 characters";
    }
    RulesDraft.Verdict v = null;
    if (problem == null) {
      v = verdict(s, who, body, effective);
      problem = v.error();
      if (problem == null && v.changes().isEmpty()) {
        problem = "rules: changes nothing from version " + v.comparedWith();
      }
    }
    if (problem != null) {
      store.audit(now, who.username(), who.displayName(), REFUSED, target, problem);
      Http.error(ex, 400, problem);
      return;
    }
    RulesVersion version = RulesVersion.newBuilder(v.version()).setComment(comment).build();
    try {
      topic.publish(version);
    } catch (PublishedRules.Unavailable e) {
      store.audit(now, who.username(), who.displayName(), REFUSED, target, "not published: " + e.getMessage());
      throw e;
    }
    store.audit(now, who.username(), who.displayName(), PUBLISHED, target, "effective "
        + LocalDateTime.ofInstant(effective, zone).truncatedTo(ChronoUnit.MINUTES) + " " + zone + "; " + comment
        + "; " + v.changes().size() + " change(s)");
    ObjectNode n = verdictJson(v);
    n.put("published", version.getVersion());
    Http.json(ex, 200, n);
  }
}
