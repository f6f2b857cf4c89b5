package org.probity.jobs.rules.conflict;

import org.probity.jobs.rules.Filtered;
import org.probity.jobs.rules.Subjects;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.Rule;
import org.probity.jobs.rules.StateExpiry;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * CONFLICT_OF_INTEREST / RELATED_PARTY on administrative approvals (信访回避, seed 003): the official
 * who reviews (REVIEWED) or decides (APPROVED, REJECTED) a case — the event's {@code actorId} — is
 * a related party of the case's applicant. Subject CASE {@code caseId}; one alert per case and
 * official (the official is the discriminator), RED, dated at the official's first such act.
 *
 * <p>{@code applicantId} is optional on approval events: an act that does not name the applicant
 * is judged against the applicant an earlier event of the case named (evidence = that event and
 * the act; otherwise the act alone). Approvals are the busiest stream, so a stateless filter lets
 * through only what can matter — events naming an applicant who is somebody's related party, and
 * acts without an applicant by an official who has related parties — and only those cases get
 * keyed state, kept until {@code caseRetentionDays} after their last such event. A case whose
 * events never name a related applicant cannot be a conflict, whoever acts on it.
 */
public final class ApprovalConflictRule implements Rule {

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.CONFLICT_OF_INTEREST);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    ReferenceData reference = config.reference();
    Set<String> parties = relatedParties(reference);
    subjects.cases().rule(Filtered.only(e -> mayConflict(e, reference, parties), new Detect(config)));
  }

  /** Every party id that is some official's related party. */
  static Set<String> relatedParties(ReferenceData reference) {
    Set<String> parties = new HashSet<>();
    reference.relatedParties().values().forEach(parties::addAll);
    return parties;
  }

  static boolean mayConflict(ApprovalEvent e, ReferenceData reference, Set<String> parties) {
    if (e.getApplicantId() != null) {
      return parties.contains(e.getApplicantId());
    }
    return isAct(e) && e.getActorId() != null && reference.relatedParties().containsKey(e.getActorId());
  }

  static boolean isAct(ApprovalEvent e) {
    return e.getAction() == ApprovalAction.REVIEWED || e.getAction() == ApprovalAction.APPROVED
        || e.getAction() == ApprovalAction.REJECTED;
  }

  /** The applicant as an event of the case named it. */
  public record NamedApplicant(String applicantId, String eventId) {}

  static final class Detect extends SubjectRule<ApprovalEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private final ReferenceData reference;
    private final long retentionMillis;
    private final StateExpiry expiry = new StateExpiry("approval-conflict-expiry");
    private transient ValueState<NamedApplicant> applicant;
    private transient MapState<String, Boolean> alertedOfficials;

    Detect(ProbityConfig config) {
      this.reference = config.reference();
      this.retentionMillis = config.approval().caseRetentionDays() * 86_400_000L;
    }

    @Override
    protected void openState() {
      applicant = getRuntimeContext().getState(new ValueStateDescriptor<>("applicant", NamedApplicant.class));
      alertedOfficials = getRuntimeContext().getMapState(
          new MapStateDescriptor<>("alerted-officials", Types.STRING, Types.BOOLEAN));
      expiry.open(getRuntimeContext());
    }

    @Override
    protected void processInOrder(ApprovalEvent e, Context ctx, Collector<Alert> out) throws Exception {
      expiry.extendTo(ctx.timestamp() + retentionMillis, ctx.timerService());
      NamedApplicant named = applicant.value();
      if (e.getApplicantId() != null && named == null) {
        applicant.update(new NamedApplicant(e.getApplicantId(), e.getEventId()));
      }
      if (!isAct(e) || e.getActorId() == null || alertedOfficials.contains(e.getActorId())) {
        return;
      }
      String party = e.getApplicantId() != null ? e.getApplicantId() : named == null ? null : named.applicantId();
      if (!reference.related(e.getActorId(), party)) {
        return;
      }
      alertedOfficials.put(e.getActorId(), Boolean.TRUE);
      String act = e.getAction() == ApprovalAction.REVIEWED ? "审核" : "决定";
      out.collect(Alerts.of(RuleId.CONFLICT_OF_INTEREST, ConflictOfInterest.VERSION, ConflictOfInterest.RELATED_PARTY)
          .severity(Severity.RED)
          .unit(e.getUnitId())
          .subject(SubjectType.CASE, e.getCaseId())
          .discriminator(e.getActorId())
          .person(e.getActorId())
          .eventTime(e.getEventTime())
          .evidence(e.getApplicantId() == null ? named.eventId() : null)
          .evidence(e.getEventId())
          .message("办件" + e.getCaseId() + "：" + act + "人" + e.getActorId() + "与申请人" + party
              + "存在关联关系，未回避")
          .build());
    }

    @Override
    protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
      if (expiry.isDue(time, ctx.timerService())) {
        applicant.clear();
        alertedOfficials.clear();
      }
    }
  }
}
