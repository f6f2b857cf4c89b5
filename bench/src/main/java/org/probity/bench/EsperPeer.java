package org.probity.bench;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;

/**
 * Figure 5's second peer: the rules in Esper's EPL, what a user would pick for rules on one
 * machine. One thread decodes the same single-object bytes with the production {@link
 * IngestDecoder} (as the Flink sources do), drops a repeated eventId (a {@code HashSet}, never
 * cleaned, like the SQL peer's), advances Esper's clock to the latest event time seen (external
 * time: windows and {@code timer:within} run in event time, taken in arrival order) and sends the
 * Avro record itself as a bean event. No Flink, no checkpoints, no exchange between threads: that
 * is the peer, and it is what the comparison is about.
 *
 * <p>Each rule is the straightforward EPL of the contract; reference data through {@link
 * EsperReference} (a class-typed variable {@code ref}). The statements named {@code alert-…} emit
 * (ruleId, reason, unitId, subjectType, subjectId), compared with the ground truth like the SQL
 * peer's rows. {@link #DEVIATIONS} says where a statement differs from the contract or Probity.
 */
final class EsperPeer {
  static final Set<RuleId> EXPRESSED = EnumSet.copyOf(SqlPeer.EXPRESSED);

  static final Map<RuleId, String> DEVIATIONS = deviations();

  private EsperPeer() {}

  private static Map<RuleId, String> deviations() {
    Map<RuleId, String> how = new LinkedHashMap<>();
    how.put(RuleId.PROCUREMENT_SPLIT_PURCHASE, "arrival order; the category-year sums are never cleaned");
    how.put(RuleId.PAYMENT_DUPLICATE, "the PAID's own payee, amount and invoice, in arrival order");
    how.put(RuleId.PAYMENT_BEYOND_AUTHORITY, "the voucher's latest SUBMITTED or PAID in arrival order (a "
        + "`#unique` named window, never cleaned); a signature before any is not judged, as in Probity");
    how.put(RuleId.PROCUREMENT_CHANGE_ORDERS, "the award is the first AWARDED in arrival order; the per-procurement "
        + "aggregates are never cleaned");
    how.put(RuleId.CONFLICT_OF_INTEREST, "on approvals, the first related applicant a case named in arrival order");
    how.put(RuleId.DECISION_PRINCIPAL_NOT_LAST, "a principal's statement followed in arrival order (not event "
        + "time) by a member's");
    return how;
  }

  /**
   * What a run measured.
   *
   * @param timed the events from {@code timedFrom} on, with this process's CPU (as every figure)
   * @param threadCpuNanos the CPU of the one thread doing the work over the same events
   * @param records the (rule, reason, unit, subject) keys of the alert rows
   * @param gcMillis the collectors' time over the timed events (wall, summed over collectors)
   * @param jitMillis the JIT compilers' time over the timed events
   */
  record Result(Sample timed, long threadCpuNanos, long rows, List<String> records, long gcMillis, long jitMillis) {}

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
  }

  private static long jitMillis() {
    java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
  }

  private static final String[] TENDERED = {"ProcurementMethod.OPEN_TENDER", "ProcurementMethod.INVITED_TENDER"};

  /** The EPL module for {@code rules} (a subset of {@link #EXPRESSED}). */
  static String module(ProbityConfig config, Set<RuleId> rules) {
    String nonTender = "method not in (" + String.join(", ", TENDERED) + ")";
    List<String> epl = new ArrayList<>();
    if (rules.contains(RuleId.PROCUREMENT_TENDER_BYPASS)) {
      epl.add("@name('alert-tender-bypass') select 'PROCUREMENT_TENDER_BYPASS' as ruleId, 'NO_TENDER' as reason, "
          + "unitId, 'PROCUREMENT' as subjectType, procurementId as subjectId from ProcurementEvent(action in "
          + "(ProcurementAction.ORDER_PLACED, ProcurementAction.AWARDED) and " + nonTender + " and amountFen >= "
          + "ref.threshold(unitId, category))#firstunique(procurementId)");
    }
    if (rules.contains(RuleId.PROCUREMENT_SPLIT_PURCHASE)) {
      // A procurement is one purchase: its first order or award.
      epl.add("insert into Purchase select unitId, supplierId, category, amountFen, ref.threshold(unitId, category) "
          + "as threshold, ref.fiscalYear(eventTime) as fiscalYear, eventTime.toEpochMilli() as t from "
          + "ProcurementEvent(action in (ProcurementAction.ORDER_PLACED, ProcurementAction.AWARDED) and "
          + nonTender + " and amountFen is not null)#firstunique(procurementId)");
      epl.add("@name('alert-split-window') select 'PROCUREMENT_SPLIT_PURCHASE' as ruleId, 'SAME_SUPPLIER_WINDOW' as "
          + "reason, unitId, 'SUPPLIER' as subjectType, supplierId as subjectId from Purchase(amountFen < threshold)"
          + "#ext_timed(t, " + config.procurement().splitWindowDays() + " days) group by unitId, supplierId "
          + "having count(*) >= 2 and sum(amountFen) >= lastever(threshold)");
      epl.add("@name('alert-split-year') select 'PROCUREMENT_SPLIT_PURCHASE' as ruleId, 'SAME_CATEGORY_YEAR' as "
          + "reason, unitId, 'CATEGORY' as subjectType, category || '/' || fiscalYear as subjectId from "
          + "Purchase(amountFen < threshold) group by unitId, category, fiscalYear having sum(amountFen) >= lastever(threshold)");
    }
    if (rules.contains(RuleId.PAYMENT_DUPLICATE)) {
      epl.add("@name('alert-duplicate') select 'PAYMENT_DUPLICATE' as ruleId, 'SAME_INVOICE' as reason, unitId, "
          + "'VOUCHER' as subjectType, voucherId as subjectId from PaymentEvent(action = PaymentAction.PAID and "
          + "invoiceNo is not null)#ext_timed(eventTime.toEpochMilli(), " + config.payment().duplicateWindowDays()
          + " days) group by payeeId, amountFen, invoiceNo having count(*) > 1");
    }
    if (rules.contains(RuleId.DECISION_PRINCIPAL_NOT_LAST)) {
      epl.add("@name('alert-principal-not-last') select 'DECISION_PRINCIPAL_NOT_LAST' as ruleId, "
          + "'PRINCIPAL_NOT_LAST' as reason, p.unitId as unitId, 'MEETING' as subjectType, "
          + "p.meetingId || '/' || p.topicId as subjectId from pattern [every p=DecisionEvent(action = "
          + "DecisionAction.STATEMENT and memberRole = MemberRole.PRINCIPAL) -> m=DecisionEvent(action = "
          + "DecisionAction.STATEMENT and memberRole = MemberRole.MEMBER and meetingId = p.meetingId and topicId = "
          + "p.topicId) where timer:within(" + config.decision().meetingRetentionDays() + " days)]");
    }
    if (rules.contains(RuleId.APPROVAL_FEE)) {
      epl.add("@name('alert-fee') select 'APPROVAL_FEE' as ruleId, 'OVERCHARGE' as reason, unitId, 'CASE' as "
          + "subjectType, caseId as subjectId from ApprovalEvent(feeFen is not null and ref.overcharged(itemCode, "
          + "feeFen))#firstunique(caseId)");
    }
    boolean signatures = rules.contains(RuleId.PAYMENT_BEYOND_AUTHORITY) || rules.contains(RuleId.CONFLICT_OF_INTEREST);
    if (signatures) {
      // The voucher's facts for a bare SIGNED: its latest SUBMITTED or PAID.
      epl.add("create window Vouchers#unique(voucherId) as (voucherId string, amountFen Long, payeeId string)");
      epl.add("insert into Vouchers select voucherId, amountFen, payeeId from PaymentEvent(action in "
          + "(PaymentAction.SUBMITTED, PaymentAction.PAID))");
      epl.add("insert into Signature select s.unitId as unitId, s.voucherId as voucherId, s.signerId as signerId, "
          + "v.amountFen as amountFen, v.payeeId as payeeId from PaymentEvent(action = PaymentAction.SIGNED) as s "
          + "unidirectional, Vouchers as v where v.voucherId = s.voucherId");
    }
    if (rules.contains(RuleId.PAYMENT_BEYOND_AUTHORITY)) {
      epl.add("@name('alert-beyond-authority') select 'PAYMENT_BEYOND_AUTHORITY' as ruleId, 'LIMIT_EXCEEDED' as "
          + "reason, unitId, 'VOUCHER' as subjectType, voucherId as subjectId from Signature(amountFen > "
          + "ref.authorityLimit(signerId))#firstunique(voucherId, signerId)");
    }
    if (rules.contains(RuleId.PAYMENT_PRINCIPAL_DIRECT)) {
      epl.add("@name('alert-principal-direct') select 'PAYMENT_PRINCIPAL_DIRECT' as ruleId, 'PRINCIPAL_AS_DEPUTY' as "
          + "reason, unitId, 'VOUCHER' as subjectType, voucherId as subjectId from PaymentEvent(action = "
          + "PaymentAction.SIGNED and signerRole = SignerRole.DEPUTY and ref.isPrincipal(signerId))"
          + "#firstunique(voucherId, signerId)");
    }
    if (rules.contains(RuleId.PROCUREMENT_CHANGE_ORDERS)) {
      epl.add("@name('alert-change-orders') select 'PROCUREMENT_CHANGE_ORDERS' as ruleId, 'CHANGE_OVER_LIMIT' as "
          + "reason, unitId, 'PROCUREMENT' as subjectType, procurementId as subjectId from ProcurementEvent(action in "
          + "(ProcurementAction.AWARDED, ProcurementAction.CHANGE_ORDER)) group by procurementId having "
          + "ref.changeOverLimit(sum(amountFen, filter: action = ProcurementAction.CHANGE_ORDER and (decisionRef is "
          + "null or decisionRef = '')), firstever(amountFen, filter: action = ProcurementAction.AWARDED))");
    }
    if (rules.contains(RuleId.CONFLICT_OF_INTEREST)) {
      epl.add("create window Applicants#firstunique(caseId) as (caseId string, applicantId string)");
      epl.add("insert into Applicants select caseId, applicantId from ApprovalEvent(applicantId is not null and "
          + "ref.isRelatedParty(applicantId))");
      String conflict = "insert into Conflict select 'CONFLICT_OF_INTEREST' as ruleId, 'RELATED_PARTY' as reason, "
          + "unitId, ";
      epl.add(conflict + "'CASE' as subjectType, caseId as subjectId, actorId as officialId from "
          + "ApprovalEvent(action in (ApprovalAction.REVIEWED, ApprovalAction.APPROVED, ApprovalAction.REJECTED) and "
          + "ref.hasRelatedParties(actorId)) as a where ref.related(actorId, coalesce(applicantId, (select "
          + "applicantId from Applicants as n where n.caseId = a.caseId)))");
      epl.add(conflict + "'VOUCHER' as subjectType, voucherId as subjectId, signerId as officialId from "
          + "Signature(ref.related(signerId, payeeId))");
      epl.add(conflict + "'PROCUREMENT' as subjectType, procurementId as subjectId, actorId as officialId from "
          + "ProcurementEvent(action in (ProcurementAction.ORDER_PLACED, ProcurementAction.AWARDED) and "
          + "ref.related(actorId, supplierId))");
      epl.add("@name('alert-conflict') select ruleId, reason, unitId, subjectType, subjectId from "
          + "Conflict#firstunique(subjectType, subjectId, officialId)");
    }
    return String.join(";\n", epl) + ";\n";
  }

  private static Configuration configuration(ProbityConfig config) {
    Configuration c = new Configuration();
    c.getCommon().addEventType("ApprovalEvent", ApprovalEvent.class);
    c.getCommon().addEventType("PaymentEvent", PaymentEvent.class);
    c.getCommon().addEventType("ProcurementEvent", ProcurementEvent.class);
    c.getCommon().addEventType("DecisionEvent", DecisionEvent.class);
    c.getCommon().addImport("org.probity.schema.*");
    c.getCommon().addVariable("ref", EsperReference.class, new EsperReference(config));
    c.getRuntime().getThreading().setInternalTimerEnabled(false);
    c.getRuntime().getLogging().setEnableExecutionDebug(false);
    return c;
  }

  /** Runs {@code rules} over {@code events}; the events from {@code timedFrom} on are timed. */
  static Result run(EncodedEvents events, ProbityConfig config, Set<RuleId> rules, int timedFrom) {
    Configuration configuration = configuration(config);
    EPCompiled compiled;
    try {
      compiled = EPCompilerProvider.getCompiler().compile(module(config, rules), new CompilerArguments(configuration));
    } catch (EPCompileException e) {
      throw new IllegalStateException("the Esper peer's EPL does not compile: " + e.getMessage(), e);
    }
    EPRuntime runtime = EPRuntimeProvider.getRuntime("probity-bench-" + UUID.randomUUID(), configuration);
    try {
      EPDeployment deployment;
      try {
        deployment = runtime.getDeploymentService().deploy(compiled);
      } catch (EPDeployException e) {
        throw new IllegalStateException("the Esper peer's EPL does not deploy: " + e.getMessage(), e);
      }
      List<String> records = new ArrayList<>();
      long[] rows = {0};
      for (EPStatement statement : deployment.getStatements()) {
        if (statement.getName().startsWith("alert-")) {
          statement.addListener((newEvents, oldEvents, s, r) -> {
            if (newEvents == null) {
              return;
            }
            for (EventBean e : newEvents) {
              rows[0]++;
              records.add(AlertRecords.subject((String) e.get("ruleId"), (String) e.get("reason"),
                  (String) e.get("unitId"), (String) e.get("subjectType"), (String) e.get("subjectId")));
            }
          });
        }
      }
      EPEventService service = runtime.getEventService();
      IngestDecoder decoder = new IngestDecoder(new AvroJson(config.zone()));
      Set<String> seen = new HashSet<>();
      long[] clock = {Long.MIN_VALUE};
      send(events, 0, timedFrom, decoder, seen, service, clock);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long wall = System.nanoTime();
      long cpu = RunProbe.cpuNanos();
      long threadCpu = threads.getCurrentThreadCpuTime();
      long gc = gcMillis();
      long jit = jitMillis();
      send(events, timedFrom, events.size(), decoder, seen, service, clock);
      Sample timed = new Sample(events.size() - timedFrom, System.nanoTime() - wall, RunProbe.cpuNanos() - cpu);
      return new Result(timed, threads.getCurrentThreadCpuTime() - threadCpu, rows[0], records, gcMillis() - gc,
          jitMillis() - jit);
    } finally {
      runtime.destroy();
    }
  }

  private static void send(EncodedEvents events, int from, int to, IngestDecoder decoder, Set<String> seen,
      EPEventService service, long[] clock) {
    for (int i = from; i < to; i++) {
      EventStream stream = events.stream(i);
      Ingested in = decoder.fromKafka(stream, stream.defaultTopic(), 0, i, events.value(i));
      if (in.isDeadLetter() || !seen.add(in.eventId())) {
        continue;
      }
      long t = in.timestamp();
      if (t > clock[0]) {
        clock[0] = t;
        service.advanceTime(t);
      }
      Object event = in.event();
      service.sendEventBean(event, event.getClass().getSimpleName());
    }
  }
}
