package org.probity.bench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.types.Row;
import org.probity.connectors.ingest.Ingested;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;

/**
 * Figure 5: the rules written the way a user would without Probity, in Flink SQL on the same
 * decoded events (the Avro single-object encoding has no SQL format, so a user decodes in a
 * DataStream first, as here). Each query is the straightforward reading of the contract; the
 * rules file's small reference data (items, thresholds, related parties) is generated into the SQL
 * text as CASE and IN lists (a join with a VALUES table would lose the rows' time attribute, which
 * the event-time de-duplications and windows need); the people, thousands of them, are scalar
 * functions over the rules file ({@link AuthorityLimit}, {@link IsPrincipal}). Every query emits rows of one shape, (ruleId,
 * reason, unitId, subjectType, subjectId, eventId), so the bench can compare them with the ground
 * truth ({@link AlertRecords#subjectOfRow}). Where a query differs from the contract's letter or
 * from Probity, {@link #DEVIATIONS} says how.
 * <ul>
 *   <li>de-duplication by eventId: {@code ROW_NUMBER() … = 1} over arrival order (no event-time
 *       retention exists for it in SQL: its state is never cleaned);</li>
 *   <li>"one alert per subject" is a {@code ROW_NUMBER() OVER (PARTITION BY subject ORDER BY rowtime) = 1}
 *       (an event-time de-duplication: an earlier row arriving later retracts and replaces the first);</li>
 *   <li>PROCUREMENT_TENDER_BYPASS: a filter, one row per procurement;</li>
 *   <li>PROCUREMENT_SPLIT_PURCHASE: SAME_SUPPLIER_WINDOW as a 30-day RANGE OVER window per unit and
 *       supplier (count ≥ 2, sum ≥ threshold); SAME_CATEGORY_YEAR as an unbounded OVER sum per unit,
 *       category and fiscal year;</li>
 *   <li>PAYMENT_DUPLICATE: a 365-day RANGE OVER count per payee, amount and invoice;</li>
 *   <li>DECISION_PRINCIPAL_NOT_LAST: MATCH_RECOGNIZE, a principal's statement followed by a member's
 *       in the same meeting and topic, bounded by WITHIN the meeting retention;</li>
 *   <li>APPROVAL_FEE: a filter against the item's standard fee, one row per case;</li>
 *   <li>PAYMENT_BEYOND_AUTHORITY, CONFLICT_OF_INTEREST on payments: signatures interval-joined with the
 *       voucher's SUBMITTED or PAID (the amount and payee a bare SIGNED does not carry), filtered
 *       against the signer's limit or related parties, one row per voucher and signer;</li>
 *   <li>PAYMENT_PRINCIPAL_DIRECT: a filter (DEPUTY signature by a principal), one row per voucher and signer;</li>
 *   <li>PROCUREMENT_CHANGE_ORDERS: a GROUP BY procurement with FILTERed sums, HAVING the undecided
 *       change orders above the limit of the award;</li>
 *   <li>CONFLICT_OF_INTEREST on approvals: acts interval-joined with the case's events naming a related
 *       applicant; on procurement: a filter; one row per subject and official.</li>
 * </ul>
 * The other rules are not expressed; {@link #NOT_EXPRESSED} says why for each.
 */
final class SqlPeer {
  /** The rules this peer implements. Columns named like SQL keywords ({@code action}, {@code method}) are quoted. */
  static final Set<RuleId> EXPRESSED = EnumSet.of(RuleId.PROCUREMENT_TENDER_BYPASS,
      RuleId.PROCUREMENT_SPLIT_PURCHASE, RuleId.PAYMENT_DUPLICATE, RuleId.DECISION_PRINCIPAL_NOT_LAST,
      RuleId.APPROVAL_FEE, RuleId.PAYMENT_BEYOND_AUTHORITY, RuleId.PAYMENT_PRINCIPAL_DIRECT,
      RuleId.PROCUREMENT_CHANGE_ORDERS, RuleId.CONFLICT_OF_INTEREST);

  /** Why each other rule is not in the peer. */
  static final Map<RuleId, String> NOT_EXPRESSED = notExpressed();

  /** Where an expressed rule's query differs from the contract's letter or from Probity's rule. */
  static final Map<RuleId, String> DEVIATIONS = deviations();

  private SqlPeer() {}

  private static Map<RuleId, String> notExpressed() {
    Map<RuleId, String> why = new LinkedHashMap<>();
    why.put(RuleId.APPROVAL_OVERDUE, "fires when time passes with no event (NOTICE, YELLOW, RED on working days): "
        + "SQL has no timers, and working days with holidays, make-up days, suspensions and extensions need a "
        + "stateful calendar UDF");
    why.put(RuleId.APPROVAL_PROCEDURE, "expressible in part (MATCH_RECOGNIZE for SAME_PERSON and NO_RECEIPT); "
        + "NO_REVIEW is an absence before the decision, which needs pattern alternation Flink does not support");
    why.put(RuleId.APPROVAL_SUSPENSION_ABUSE, "TOO_LONG fires while the case is still suspended: a timer");
    why.put(RuleId.PAYMENT_SIGNATURE_CHAIN, "MISSING_SIGNATURE and OUT_OF_ORDER are absences and orders of three "
        + "roles before PAID: MATCH_RECOGNIZE without alternation or pattern groups cannot say it");
    why.put(RuleId.PAYMENT_LARGE_WITHOUT_DECISION, "UNKNOWN_DECISION and DECISION_AFTER_PAYMENT are an event-time "
        + "outer join against decisions up to 730 days old: expressible as an interval join, not written");
    why.put(RuleId.PROCUREMENT_BID_RIGGING, "CLOSE_BIDS compares every bid of a tender with every other at "
        + "BIDS_OPENED: needs a UDAF");
    why.put(RuleId.DECISION_AGENDA_NOTICE, "NO_NOTICE is an absence: an interval left outer join of decisions with "
        + "notices and meeting openings: expressible, not written");
    return why;
  }

  private static Map<RuleId, String> deviations() {
    Map<RuleId, String> how = new LinkedHashMap<>();
    how.put(RuleId.PROCUREMENT_SPLIT_PURCHASE, "orders only (an AWARDED purchase without an ORDER_PLACED is not "
        + "counted: keeping the first purchase event per procurement would make the input of the OVER windows an "
        + "updating stream, which they refuse); one row per counted order, not one alert per group that escalates");
    how.put(RuleId.PAYMENT_DUPLICATE, "the PAID's own payee, amount and invoice (Probity fills a missing invoice "
        + "from the voucher); one row per later PAID");
    how.put(RuleId.APPROVAL_FEE, "an item missing from the catalogue is skipped silently (Probity counts the gap)");
    how.put(RuleId.PAYMENT_BEYOND_AUTHORITY, "the amount of any SUBMITTED or PAID of the voucher up to 90 days "
        + "before the signature (Probity: the latest one); a voucher resubmitted with another amount is judged on "
        + "each; the signature's own copy is ignored, as in Probity");
    how.put(RuleId.PROCUREMENT_CHANGE_ORDERS, "the award is the first AWARDED in arrival order, not event time; "
        + "the aggregate's state is never cleaned (no retention in a GROUP BY)");
    how.put(RuleId.CONFLICT_OF_INTEREST, "on approvals, an act without applicantId is judged against any applicant "
        + "the case named in the 400 days before it (Probity: the first one named)");
    return how;
  }

  /** The peer's queries for {@code ruleIds} (a subset of {@link #EXPRESSED}), alerts kept by the probe. */
  static InProcessRun.Job job(ProbityConfig config, Set<RuleId> ruleIds) {
    return (env, sources, probeId) -> {
      StreamTableEnvironment tables = StreamTableEnvironment.create(env);
      tables.getConfig().setLocalTimeZone(config.zone());
      DataStream<Ingested> events = sources.events(env);
      List<String> streams = new ArrayList<>();
      if (ruleIds.contains(RuleId.APPROVAL_FEE) || ruleIds.contains(RuleId.CONFLICT_OF_INTEREST)) {
        view(tables, "approvals_raw", events.filter(i -> i.approval != null).map(i -> approvalRow(i.approval))
            .returns(APPROVAL));
        streams.add("approvals");
      }
      view(tables, "procurement_raw", events.filter(i -> i.procurement != null).map(i -> procurementRow(i.procurement))
          .returns(PROCUREMENT));
      view(tables, "payments_raw", events.filter(i -> i.payment != null).map(i -> paymentRow(i.payment))
          .returns(PAYMENT));
      view(tables, "decisions_raw", events.filter(i -> i.decision != null).map(i -> decisionRow(i.decision))
          .returns(DECISION));
      streams.addAll(List.of("procurement", "payments", "decisions"));
      for (String stream : streams) {
        tables.executeSql("CREATE TEMPORARY VIEW " + stream + " AS SELECT * FROM (SELECT *, ROW_NUMBER() OVER "
            + "(PARTITION BY eventId ORDER BY proctime) AS rn FROM " + stream + "_raw) WHERE rn = 1");
      }
      tables.createTemporarySystemFunction("authority_limit", new AuthorityLimit(config.reference()));
      tables.createTemporarySystemFunction("is_principal", new IsPrincipal(config.reference()));
      for (String view : views(config, ruleIds)) {
        tables.executeSql(view);
      }
      for (String query : queries(config, ruleIds)) {
        tables.toChangelogStream(tables.sqlQuery(query))
            .sinkTo(new ProbeSink<>(probeId, InProcessRun.ALERTS, AlertRecords::subjectOfRow))
            .name("alerts sink");
      }
    };
  }

  /** Views the queries share: the signatures with their voucher's amount and payee. */
  static List<String> views(ProbityConfig config, Set<RuleId> ruleIds) {
    List<String> views = new ArrayList<>();
    if (ruleIds.contains(RuleId.PAYMENT_BEYOND_AUTHORITY) || ruleIds.contains(RuleId.CONFLICT_OF_INTEREST)) {
      views.add("CREATE TEMPORARY VIEW signatures AS SELECT s.eventId, s.unitId, s.voucherId, s.signerId, "
          + "s.rowtime, s.proctime, v.amountFen, v.payeeId FROM payments s, payments v WHERE s.`action` = 'SIGNED' AND "
          + "v.`action` IN ('SUBMITTED', 'PAID') AND s.voucherId = v.voucherId AND v.rowtime BETWEEN s.rowtime - "
          + days(config.payment().signatureWindowDays()) + " AND s.rowtime");
    }
    return views;
  }

  /** The one row per {@code key} that came first in event time. */
  private static String firstPer(String key, String from) {
    return firstPer(key, from, "rowtime");
  }

  /**
   * The one row per {@code key} that came first by {@code order}. Behind an interval join it is
   * arrival order ({@code proctime}): the join holds the watermark back by its 90- or 400-day bound,
   * and an event-time de-duplication waits for the watermark, so it would emit nothing for months.
   */
  private static String firstPer(String key, String from, String order) {
    return "(SELECT *, ROW_NUMBER() OVER (PARTITION BY " + key + " ORDER BY " + order + ") AS first_violation FROM ("
        + from + ")) WHERE first_violation = 1";
  }

  private static String head(RuleId rule, String reason, String subjectType) {
    return "SELECT '" + rule + "' AS ruleId, '" + reason + "' AS reason, unitId, '" + subjectType
        + "' AS subjectType, ";
  }

  static List<String> queries(ProbityConfig config, Set<RuleId> ruleIds) {
    String threshold = thresholdExpression(config);
    String nonTender = "`method` NOT IN ('OPEN_TENDER', 'INVITED_TENDER')";
    ReferenceData reference = config.reference();
    List<String> queries = new ArrayList<>();
    if (ruleIds.contains(RuleId.PROCUREMENT_TENDER_BYPASS)) {
      queries.add(head(RuleId.PROCUREMENT_TENDER_BYPASS, "NO_TENDER", "PROCUREMENT")
          + "procurementId AS subjectId, eventId FROM " + firstPer("procurementId", "SELECT * FROM procurement "
          + "WHERE `action` IN ('ORDER_PLACED', 'AWARDED') AND " + nonTender + " AND amountFen >= " + threshold));
    }
    if (ruleIds.contains(RuleId.PROCUREMENT_SPLIT_PURCHASE)) {
      String orders = "(SELECT *, " + threshold + " AS threshold FROM procurement WHERE `action` = 'ORDER_PLACED' AND "
          + nonTender + ")";
      queries.add(head(RuleId.PROCUREMENT_SPLIT_PURCHASE, "SAME_SUPPLIER_WINDOW", "SUPPLIER")
          + "supplierId AS subjectId, eventId FROM (SELECT unitId, supplierId, "
          + "eventId, threshold, COUNT(*) OVER w AS orders_in_window, SUM(amountFen) OVER w AS window_sum FROM "
          + orders + " WHERE amountFen < threshold WINDOW w AS (PARTITION BY unitId, supplierId ORDER BY rowtime "
          + "RANGE BETWEEN " + daysOpen(config.procurement().splitWindowDays()) + " PRECEDING AND CURRENT ROW)) "
          + "WHERE orders_in_window >= 2 AND window_sum >= threshold");
      int start = config.procurement().fiscalYearStartMonth();
      String label = start == 1 ? "CAST(fiscal_year AS STRING)"
          : "CAST(fiscal_year AS STRING) || '-' || CAST(fiscal_year + 1 AS STRING)";
      queries.add(head(RuleId.PROCUREMENT_SPLIT_PURCHASE, "SAME_CATEGORY_YEAR", "CATEGORY")
          + "category || '/' || " + label + " AS subjectId, eventId FROM (SELECT unitId, category, "
          + "fiscal_year, eventId, threshold, SUM(amountFen) OVER (PARTITION BY unitId, category, fiscal_year ORDER BY "
          + "rowtime RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS year_sum FROM (SELECT *, EXTRACT(YEAR FROM "
          + "TIMESTAMPADD(MONTH, " + (1 - start) + ", CAST(rowtime AS TIMESTAMP(3)))) AS fiscal_year FROM " + orders
          + " WHERE amountFen < threshold)) WHERE year_sum >= threshold");
    }
    if (ruleIds.contains(RuleId.PAYMENT_DUPLICATE)) {
      queries.add(head(RuleId.PAYMENT_DUPLICATE, "SAME_INVOICE", "VOUCHER") + "voucherId AS subjectId, eventId "
          + "FROM (SELECT unitId, voucherId, eventId, COUNT(*) OVER (PARTITION BY payeeId, "
          + "amountFen, invoiceNo ORDER BY rowtime RANGE BETWEEN " + days(config.payment().duplicateWindowDays())
          + " PRECEDING AND CURRENT ROW) AS paid FROM payments WHERE `action` = 'PAID' AND invoiceNo IS NOT NULL) "
          + "WHERE paid > 1");
    }
    if (ruleIds.contains(RuleId.DECISION_PRINCIPAL_NOT_LAST)) {
      queries.add(head(RuleId.DECISION_PRINCIPAL_NOT_LAST, "PRINCIPAL_NOT_LAST", "MEETING")
          + "meetingId || '/' || topicId AS subjectId, later_member_statement AS eventId FROM "
          + "(SELECT * FROM decisions WHERE `action` = 'STATEMENT') MATCH_RECOGNIZE ("
          + "PARTITION BY meetingId, topicId ORDER BY rowtime "
          + "MEASURES P.unitId AS unitId, P.eventId AS principal_statement, M.eventId AS later_member_statement "
          + "ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW "
          + "PATTERN (P A*? M) WITHIN " + days(config.decision().meetingRetentionDays()) + " "
          + "DEFINE P AS P.memberRole = 'PRINCIPAL', M AS M.memberRole = 'MEMBER')");
    }
    if (ruleIds.contains(RuleId.APPROVAL_FEE)) {
      queries.add(head(RuleId.APPROVAL_FEE, "OVERCHARGE", "CASE") + "caseId AS subjectId, eventId FROM "
          + firstPer("caseId", "SELECT * FROM approvals WHERE feeFen > " + standardFeeExpression(reference)));
    }
    if (ruleIds.contains(RuleId.PAYMENT_BEYOND_AUTHORITY)) {
      queries.add(head(RuleId.PAYMENT_BEYOND_AUTHORITY, "LIMIT_EXCEEDED", "VOUCHER") + "voucherId AS subjectId, "
          + "eventId FROM " + firstPer("voucherId, signerId", "SELECT * FROM signatures WHERE amountFen > "
          + "authority_limit(signerId)", "proctime"));
    }
    if (ruleIds.contains(RuleId.PAYMENT_PRINCIPAL_DIRECT)) {
      queries.add(head(RuleId.PAYMENT_PRINCIPAL_DIRECT, "PRINCIPAL_AS_DEPUTY", "VOUCHER") + "voucherId AS "
          + "subjectId, eventId FROM " + firstPer("voucherId, signerId", "SELECT * FROM payments WHERE `action` = "
          + "'SIGNED' AND signerRole = 'DEPUTY' AND is_principal(signerId)"));
    }
    if (ruleIds.contains(RuleId.PROCUREMENT_CHANGE_ORDERS)) {
      String limit = java.math.BigDecimal.valueOf(config.procurement().changeOrderLimitPercent()).toPlainString();
      queries.add(head(RuleId.PROCUREMENT_CHANGE_ORDERS, "CHANGE_OVER_LIMIT", "PROCUREMENT") + "procurementId AS "
          + "subjectId, last_change AS eventId FROM (SELECT procurementId, unitId, "
          + "SUM(amountFen) FILTER (WHERE `action` = 'CHANGE_ORDER' AND (decisionRef IS NULL OR decisionRef = '')) "
          + "AS undecided, FIRST_VALUE(amountFen) FILTER (WHERE `action` = 'AWARDED') AS awarded, "
          + "LAST_VALUE(eventId) AS last_change FROM procurement WHERE `action` IN ('AWARDED', 'CHANGE_ORDER') "
          + "GROUP BY procurementId, unitId) WHERE CAST(undecided AS DECIMAL(38, 4)) * 100 > CAST(awarded AS "
          + "DECIMAL(38, 4)) * CAST(" + limit + " AS DECIMAL(10, 4))");
    }
    if (ruleIds.contains(RuleId.CONFLICT_OF_INTEREST)) {
      List<String> officials = reference.relatedParties().keySet().stream().sorted().toList();
      List<String> parties = reference.relatedParties().values().stream().flatMap(Set::stream).distinct().sorted()
          .toList();
      queries.add(head(RuleId.CONFLICT_OF_INTEREST, "RELATED_PARTY", "CASE") + "caseId AS subjectId, eventId FROM "
          + firstPer("caseId, actorId", "SELECT * FROM (SELECT act.eventId, act.unitId, act.caseId, act.actorId, "
          + "act.rowtime, act.proctime, COALESCE(act.applicantId, named.applicantId) AS party FROM approvals act, approvals named "
          + "WHERE act.`action` IN ('REVIEWED', 'APPROVED', 'REJECTED') AND " + in("act.actorId", officials)
          + " AND " + in("named.applicantId", parties) + " AND named.caseId = act.caseId AND named.rowtime BETWEEN "
          + "act.rowtime - " + days(config.approval().caseRetentionDays()) + " AND act.rowtime) WHERE "
          + relatedExpression(reference, "actorId", "party"), "proctime"));
      queries.add(head(RuleId.CONFLICT_OF_INTEREST, "RELATED_PARTY", "VOUCHER") + "voucherId AS subjectId, eventId "
          + "FROM " + firstPer("voucherId, signerId", "SELECT * FROM signatures WHERE "
          + relatedExpression(reference, "signerId", "payeeId"), "proctime"));
      queries.add(head(RuleId.CONFLICT_OF_INTEREST, "RELATED_PARTY", "PROCUREMENT") + "procurementId AS subjectId, "
          + "eventId FROM " + firstPer("procurementId, actorId", "SELECT * FROM procurement WHERE `action` IN "
          + "('ORDER_PLACED', 'AWARDED') AND " + relatedExpression(reference, "actorId", "supplierId")));
    }
    return queries;
  }

  /** A SQL string literal. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** {@code column IN (values)}, or FALSE for no values (SQL has no empty IN list). */
  static String in(String column, java.util.Collection<String> values) {
    if (values.isEmpty()) {
      return "FALSE";
    }
    StringBuilder sql = new StringBuilder(column).append(" IN (");
    String sep = "";
    for (String v : values) {
      sql.append(sep).append(literal(v));
      sep = ", ";
    }
    return sql.append(')').toString();
  }

  /** The item's standard fee; NULL (so no comparison holds) for an item the catalogue does not know. */
  static String standardFeeExpression(ReferenceData reference) {
    StringBuilder sql = new StringBuilder("CASE itemCode");
    reference.items().values().stream().sorted(java.util.Comparator.comparing(ReferenceData.Item::code))
        .forEach(i -> sql.append(" WHEN ").append(literal(i.code())).append(" THEN CAST(").append(i.feeFen())
            .append(" AS BIGINT)"));
    return sql.append(" ELSE CAST(NULL AS BIGINT) END").toString();
  }

  /**
   * The person's authority limit, NULL when the file has none (not judged). The people are a
   * scalar function, not a CASE: 2,600 of them (200 units) as IN lists make a generated method
   * larger than the JVM's 64 KB, so a user would look them up, as here, from the rules file.
   */
  public static final class AuthorityLimit extends ScalarFunction {
    private static final long serialVersionUID = 1L;
    private final HashMap<String, Long> limits = new HashMap<>();

    AuthorityLimit(ReferenceData reference) {
      reference.people().values().forEach(p -> limits.put(p.id(), p.authorityLimitFen()));
    }

    public Long eval(String personId) {
      return personId == null ? null : limits.get(personId);
    }
  }

  /** Whether the rules file gives the person the role PRINCIPAL (一把手). */
  public static final class IsPrincipal extends ScalarFunction {
    private static final long serialVersionUID = 1L;
    private final HashSet<String> principals = new HashSet<>();

    IsPrincipal(ReferenceData reference) {
      reference.people().values().stream().filter(p -> "PRINCIPAL".equals(p.role()))
          .forEach(p -> principals.add(p.id()));
    }

    public boolean eval(String personId) {
      return personId != null && principals.contains(personId);
    }
  }

  /** Whether {@code official} is a related party of {@code party}, from the rules file's relatedParties. */
  static String relatedExpression(ReferenceData reference, String official, String party) {
    if (reference.relatedParties().isEmpty()) {
      return "FALSE";
    }
    List<String> terms = new ArrayList<>();
    new java.util.TreeMap<>(reference.relatedParties()).forEach((person, parties) -> terms.add("(" + official
        + " = " + literal(person) + " AND " + in(party, new java.util.TreeSet<>(parties)) + ")"));
    return "(" + String.join(" OR ", terms) + ")";
  }

  /**
   * The contract's window (t − n days, t] as a RANGE bound: {@code n} days less a millisecond, since
   * RANGE … PRECEDING includes its bound (the generator plants orders exactly one window apart).
   */
  static String daysOpen(int n) {
    days(n);
    return "INTERVAL '" + (n - 1) + " 23:59:59.999' DAY(3) TO SECOND(3)";
  }

  /** A day interval literal; Flink's day intervals hold at most three digits. */
  private static String days(int n) {
    if (n > 999) {
      throw new IllegalArgumentException("the SQL peer cannot express a window of " + n + " days");
    }
    return "INTERVAL '" + n + "' DAY(3)";
  }

  /** The tender threshold of (unitId, category) as a SQL expression over the rules file's overrides. */
  static String thresholdExpression(ProbityConfig config) {
    StringBuilder sql = new StringBuilder("CASE");
    for (ReferenceData.Unit unit : config.reference().units().values()) {
      unit.categoryTenderThresholdsFen().forEach((category, fen) -> sql.append(" WHEN unitId = '")
          .append(unit.id()).append("' AND category = '").append(category).append("' THEN CAST(").append(fen)
          .append(" AS BIGINT)"));
      if (unit.tenderThresholdFen() != null) {
        sql.append(" WHEN unitId = '").append(unit.id()).append("' THEN CAST(").append(unit.tenderThresholdFen())
            .append(" AS BIGINT)");
      }
    }
    return sql.append(" ELSE CAST(").append(config.procurement().tenderThresholdFen()).append(" AS BIGINT) END")
        .toString();
  }

  private static void view(StreamTableEnvironment tables, String name, DataStream<Row> rows) {
    Table table = tables.fromDataStream(rows, Schema.newBuilder()
        .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
        .columnByExpression("proctime", "PROCTIME()")
        .watermark("rowtime", "SOURCE_WATERMARK()")
        .build());
    tables.createTemporaryView(name, table);
  }

  private static final TypeInformation<Row> APPROVAL = Types.ROW_NAMED(
      new String[] {"eventId", "unitId", "caseId", "action", "actorId", "applicantId", "itemCode", "feeFen"},
      Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.LONG);
  private static final TypeInformation<Row> PROCUREMENT = Types.ROW_NAMED(
      new String[] {"eventId", "unitId", "procurementId", "action", "actorId", "supplierId", "category", "amountFen",
          "method", "decisionRef"},
      Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.LONG,
      Types.STRING, Types.STRING);
  private static final TypeInformation<Row> PAYMENT = Types.ROW_NAMED(
      new String[] {"eventId", "unitId", "voucherId", "action", "amountFen", "payeeId", "invoiceNo", "signerId",
          "signerRole"},
      Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.LONG, Types.STRING, Types.STRING, Types.STRING,
      Types.STRING);
  private static final TypeInformation<Row> DECISION = Types.ROW_NAMED(
      new String[] {"eventId", "unitId", "meetingId", "action", "topicId", "memberId", "memberRole", "decisionRef"},
      Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING,
      Types.STRING);

  private static Row approvalRow(ApprovalEvent e) {
    return Row.of(e.getEventId(), e.getUnitId(), e.getCaseId(), e.getAction().name(), e.getActorId(),
        e.getApplicantId(), e.getItemCode(), e.getFeeFen());
  }

  private static Row procurementRow(ProcurementEvent e) {
    return Row.of(e.getEventId(), e.getUnitId(), e.getProcurementId(), e.getAction().name(), e.getActorId(),
        e.getSupplierId(), e.getCategory(), e.getAmountFen(), e.getMethod() == null ? null : e.getMethod().name(),
        e.getDecisionRef());
  }

  private static Row paymentRow(PaymentEvent e) {
    return Row.of(e.getEventId(), e.getUnitId(), e.getVoucherId(), e.getAction().name(), e.getAmountFen(),
        e.getPayeeId(), e.getInvoiceNo(), e.getSignerId(), e.getSignerRole() == null ? null : e.getSignerRole().name());
  }

  private static Row decisionRow(DecisionEvent e) {
    return Row.of(e.getEventId(), e.getUnitId(), e.getMeetingId(), e.getAction().name(), e.getTopicId(),
        e.getMemberId(), e.getMemberRole() == null ? null : e.getMemberRole().name(), e.getDecisionRef());
  }
}
