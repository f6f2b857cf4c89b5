package org.probity.bench;

import java.util.ArrayList;
import java.util.EnumSet;
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
import org.apache.flink.types.Row;
import org.probity.connectors.ingest.Ingested;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;

/**
 * Figure 5: the rules written the way a user would without Probity, in Flink SQL on the same
 * decoded events (the Avro single-object encoding has no SQL format, so a user decodes in a
 * DataStream first, as here). Each query is the straightforward reading of the contract:
 * <ul>
 *   <li>de-duplication by eventId: {@code ROW_NUMBER() … = 1} over arrival order (no event-time
 *       retention exists for it in SQL: its state is never cleaned);</li>
 *   <li>PROCUREMENT_TENDER_BYPASS: a filter, one row per procurement (the first);</li>
 *   <li>PROCUREMENT_SPLIT_PURCHASE: SAME_SUPPLIER_WINDOW as a 30-day RANGE OVER window per unit and
 *       supplier (count ≥ 2, sum ≥ threshold); SAME_CATEGORY_YEAR as an unbounded OVER sum per unit,
 *       category and fiscal year;</li>
 *   <li>PAYMENT_DUPLICATE: a 365-day RANGE OVER count per payee, amount and invoice;</li>
 *   <li>DECISION_PRINCIPAL_NOT_LAST: MATCH_RECOGNIZE, a principal's statement followed by a member's
 *       in the same meeting and topic, bounded by WITHIN the meeting retention.</li>
 * </ul>
 * The other rules are not expressed; {@link #NOT_EXPRESSED} says why for each.
 */
final class SqlPeer {
  /** The rules this peer implements. Columns named like SQL keywords ({@code action}, {@code method}) are quoted. */
  static final Set<RuleId> EXPRESSED = EnumSet.of(RuleId.PROCUREMENT_TENDER_BYPASS,
      RuleId.PROCUREMENT_SPLIT_PURCHASE, RuleId.PAYMENT_DUPLICATE, RuleId.DECISION_PRINCIPAL_NOT_LAST);

  /** Why each other rule is not in the peer. */
  static final Map<RuleId, String> NOT_EXPRESSED = notExpressed();

  private SqlPeer() {}

  private static Map<RuleId, String> notExpressed() {
    Map<RuleId, String> why = new LinkedHashMap<>();
    why.put(RuleId.APPROVAL_OVERDUE, "fires when time passes with no event (NOTICE, YELLOW, RED on working days): "
        + "SQL has no timers, and working days with holidays, make-up days, suspensions and extensions need a "
        + "stateful calendar UDF");
    why.put(RuleId.APPROVAL_PROCEDURE, "expressible in part (MATCH_RECOGNIZE for SAME_PERSON and NO_RECEIPT); "
        + "NO_REVIEW is an absence before the decision, which needs pattern alternation Flink does not support");
    why.put(RuleId.APPROVAL_FEE, "a filter plus a join with the item catalogue: expressible, not written");
    why.put(RuleId.APPROVAL_SUSPENSION_ABUSE, "TOO_LONG fires while the case is still suspended: a timer");
    why.put(RuleId.PAYMENT_SIGNATURE_CHAIN, "MISSING_SIGNATURE and OUT_OF_ORDER are absences and orders of three "
        + "roles before PAID: MATCH_RECOGNIZE without alternation or pattern groups cannot say it");
    why.put(RuleId.PAYMENT_LARGE_WITHOUT_DECISION, "UNKNOWN_DECISION and DECISION_AFTER_PAYMENT are an event-time "
        + "outer join against decisions up to 730 days old: expressible as an interval join, not written");
    why.put(RuleId.PAYMENT_BEYOND_AUTHORITY, "a filter with a join on the people table: expressible, not written");
    why.put(RuleId.PAYMENT_PRINCIPAL_DIRECT, "a filter with a join on the people table: expressible, not written");
    why.put(RuleId.PROCUREMENT_BID_RIGGING, "CLOSE_BIDS compares every bid of a tender with every other at "
        + "BIDS_OPENED: needs a UDAF");
    why.put(RuleId.PROCUREMENT_CHANGE_ORDERS, "a running sum per procurement against its award: expressible, not "
        + "written");
    why.put(RuleId.CONFLICT_OF_INTEREST, "a join with the related-party table: expressible, not written");
    why.put(RuleId.DECISION_AGENDA_NOTICE, "NO_NOTICE is an absence: an interval left outer join of decisions with "
        + "notices and meeting openings: expressible, not written");
    return why;
  }

  /** The peer's queries for {@code ruleIds} (a subset of {@link #EXPRESSED}), alerts counted by the probe. */
  static InProcessRun.Job job(ProbityConfig config, Set<RuleId> ruleIds) {
    return (env, sources, probeId) -> {
      StreamTableEnvironment tables = StreamTableEnvironment.create(env);
      tables.getConfig().setLocalTimeZone(config.zone());
      DataStream<Ingested> events = sources.events(env);
      view(tables, "procurement_raw", events.filter(i -> i.procurement != null).map(i -> procurementRow(i.procurement))
          .returns(PROCUREMENT));
      view(tables, "payments_raw", events.filter(i -> i.payment != null).map(i -> paymentRow(i.payment))
          .returns(PAYMENT));
      view(tables, "decisions_raw", events.filter(i -> i.decision != null).map(i -> decisionRow(i.decision))
          .returns(DECISION));
      for (String stream : List.of("procurement", "payments", "decisions")) {
        tables.executeSql("CREATE TEMPORARY VIEW " + stream + " AS SELECT * FROM (SELECT *, ROW_NUMBER() OVER "
            + "(PARTITION BY eventId ORDER BY proctime) AS rn FROM " + stream + "_raw) WHERE rn = 1");
      }
      for (String query : queries(config, ruleIds)) {
        tables.toChangelogStream(tables.sqlQuery(query)).sinkTo(new ProbeSink<>(probeId, InProcessRun.ALERTS))
            .name("alerts sink");
      }
    };
  }

  static List<String> queries(ProbityConfig config, Set<RuleId> ruleIds) {
    String threshold = thresholdExpression(config);
    String nonTender = "`method` NOT IN ('OPEN_TENDER', 'INVITED_TENDER')";
    List<String> queries = new ArrayList<>();
    if (ruleIds.contains(RuleId.PROCUREMENT_TENDER_BYPASS)) {
      queries.add("SELECT procurementId, unitId, eventId FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY "
          + "procurementId ORDER BY rowtime) AS first_violation FROM procurement WHERE `action` IN ('ORDER_PLACED', "
          + "'AWARDED') AND " + nonTender + " AND amountFen >= " + threshold + ") WHERE first_violation = 1");
    }
    if (ruleIds.contains(RuleId.PROCUREMENT_SPLIT_PURCHASE)) {
      String orders = "(SELECT *, " + threshold + " AS threshold FROM procurement WHERE `action` = 'ORDER_PLACED' AND "
          + nonTender + ")";
      queries.add("SELECT unitId, supplierId, eventId, orders_in_window, window_sum FROM (SELECT unitId, supplierId, "
          + "eventId, threshold, COUNT(*) OVER w AS orders_in_window, SUM(amountFen) OVER w AS window_sum FROM "
          + orders + " WHERE amountFen < threshold WINDOW w AS (PARTITION BY unitId, supplierId ORDER BY rowtime "
          + "RANGE BETWEEN " + days(config.procurement().splitWindowDays()) + " PRECEDING AND CURRENT ROW)) "
          + "WHERE orders_in_window >= 2 AND window_sum >= threshold");
      queries.add("SELECT unitId, category, fiscal_year, eventId, year_sum FROM (SELECT unitId, category, "
          + "fiscal_year, eventId, threshold, SUM(amountFen) OVER (PARTITION BY unitId, category, fiscal_year ORDER BY "
          + "rowtime RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS year_sum FROM (SELECT *, EXTRACT(YEAR FROM "
          + "TIMESTAMPADD(MONTH, " + (1 - config.procurement().fiscalYearStartMonth()) + ", CAST(rowtime AS "
          + "TIMESTAMP(3)))) AS fiscal_year FROM " + orders + ")) WHERE year_sum >= threshold");
    }
    if (ruleIds.contains(RuleId.PAYMENT_DUPLICATE)) {
      queries.add("SELECT voucherId, eventId FROM (SELECT voucherId, eventId, COUNT(*) OVER (PARTITION BY payeeId, "
          + "amountFen, invoiceNo ORDER BY rowtime RANGE BETWEEN " + days(config.payment().duplicateWindowDays())
          + " PRECEDING AND CURRENT ROW) AS paid FROM payments WHERE `action` = 'PAID') WHERE paid > 1");
    }
    if (ruleIds.contains(RuleId.DECISION_PRINCIPAL_NOT_LAST)) {
      queries.add("SELECT * FROM (SELECT * FROM decisions WHERE `action` = 'STATEMENT') MATCH_RECOGNIZE ("
          + "PARTITION BY meetingId, topicId ORDER BY rowtime "
          + "MEASURES P.eventId AS principal_statement, M.eventId AS later_member_statement "
          + "ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW "
          + "PATTERN (P A*? M) WITHIN " + days(config.decision().meetingRetentionDays()) + " "
          + "DEFINE P AS P.memberRole = 'PRINCIPAL', M AS M.memberRole = 'MEMBER')");
    }
    return queries;
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

  private static final TypeInformation<Row> PROCUREMENT = Types.ROW_NAMED(
      new String[] {"eventId", "unitId", "procurementId", "action", "actorId", "supplierId", "category", "amountFen",
          "method"},
      Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.LONG,
      Types.STRING);
  private static final TypeInformation<Row> PAYMENT = Types.ROW_NAMED(
      new String[] {"eventId", "unitId", "voucherId", "action", "amountFen", "payeeId", "invoiceNo", "signerId",
          "signerRole"},
      Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.LONG, Types.STRING, Types.STRING, Types.STRING,
      Types.STRING);
  private static final TypeInformation<Row> DECISION = Types.ROW_NAMED(
      new String[] {"eventId", "unitId", "meetingId", "action", "topicId", "memberId", "memberRole", "decisionRef"},
      Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING,
      Types.STRING);

  private static Row procurementRow(ProcurementEvent e) {
    return Row.of(e.getEventId(), e.getUnitId(), e.getProcurementId(), e.getAction().name(), e.getActorId(),
        e.getSupplierId(), e.getCategory(), e.getAmountFen(), e.getMethod() == null ? null : e.getMethod().name());
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
