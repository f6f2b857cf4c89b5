package org.probity.jobs.rules.approval;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * APPROVAL_PROCEDURE (违反工作程序, seeds 003 and 004), each reason at most once per case, at the
 * event that breaks the procedure, in event-time order:
 *
 * <ul>
 *   <li>{@code NO_RECEIPT}: an official step (anything but RECEIVED and the applicant's
 *       WITHDRAWN) before the case was received;
 *   <li>{@code NO_REVIEW}: APPROVED or REJECTED with no REVIEWED before it;
 *   <li>{@code SAME_PERSON}: the reviewer is the decider — checked at the decision, and at a
 *       review that comes after the decision;
 *   <li>{@code COMPLETED_WITHOUT_DECISION}: COMPLETED before any decision (a decision may still
 *       follow; the case then ends normally).
 * </ul>
 *
 * Severity YELLOW (黄牌): a broken step of the prescribed procedure, the middle of the three
 * colours; status RAISED and nothing resolves it — the step cannot be undone.
 */
public final class ProcedureCheck implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int VERSION = 1;
  public static final String NO_RECEIPT = RuleId.APPROVAL_PROCEDURE.reason("NO_RECEIPT");
  public static final String NO_REVIEW = RuleId.APPROVAL_PROCEDURE.reason("NO_REVIEW");
  public static final String SAME_PERSON = RuleId.APPROVAL_PROCEDURE.reason("SAME_PERSON");
  public static final String COMPLETED_WITHOUT_DECISION = RuleId.APPROVAL_PROCEDURE.reason("COMPLETED_WITHOUT_DECISION");
  public static final Severity SEVERITY = Severity.YELLOW;

  /** Judges {@code e} against what the case did before it, then records it. */
  void onEvent(String caseId, CaseState s, ApprovalEvent e, Collector<Alert> out) {
    ApprovalAction action = e.getAction();
    String actor = e.getActorId();
    if (!s.received && action != ApprovalAction.RECEIVED && action != ApprovalAction.WITHDRAWN
        && s.raiseOnce(CaseState.RAISED_NO_RECEIPT)) {
      out.collect(alert(NO_RECEIPT, caseId, s, e, List.of(e.getEventId()),
          "办件" + caseId + "未经受理即被" + CaseText.action(action)));
    }
    switch (action) {
      case REVIEWED -> {
        int decision = s.decidedBy.indexOf(actor);
        if (decision >= 0 && s.raiseOnce(CaseState.RAISED_SAME_PERSON)) {
          out.collect(alert(SAME_PERSON, caseId, s, e, List.of(s.decisions.get(decision), e.getEventId()),
              sameMessage(caseId, actor)));
        }
        s.reviewedBy.add(actor);
        s.reviews.add(e.getEventId());
      }
      case APPROVED, REJECTED -> {
        int review = s.reviewedBy.indexOf(actor);
        if (s.reviewedBy.isEmpty()) {
          if (s.raiseOnce(CaseState.RAISED_NO_REVIEW)) {
            out.collect(alert(NO_REVIEW, caseId, s, e, List.of(e.getEventId()),
                "办件" + caseId + "未经审核即作出" + CaseText.action(action) + "决定"));
          }
        } else if (review >= 0 && s.raiseOnce(CaseState.RAISED_SAME_PERSON)) {
          out.collect(alert(SAME_PERSON, caseId, s, e, List.of(s.reviews.get(review), e.getEventId()),
              sameMessage(caseId, actor)));
        }
        s.decidedBy.add(actor);
        s.decisions.add(e.getEventId());
      }
      case COMPLETED -> {
        if (!s.decided && s.raiseOnce(CaseState.RAISED_COMPLETED_WITHOUT_DECISION)) {
          out.collect(alert(COMPLETED_WITHOUT_DECISION, caseId, s, e, List.of(e.getEventId()),
              "办件" + caseId + "未作出审批决定即办结"));
        }
      }
      default -> { }
    }
  }

  private static String sameMessage(String caseId, String person) {
    return "办件" + caseId + "的审核人与决定人同为" + person + "，审核与决定未分离";
  }

  private static Alert alert(String reason, String caseId, CaseState s, ApprovalEvent e, List<String> evidence,
      String message) {
    return Alerts.of(RuleId.APPROVAL_PROCEDURE, VERSION, reason)
        .severity(SEVERITY)
        .unit(s.unitId)
        .subject(SubjectType.CASE, caseId)
        .person(e.getActorId())
        .eventTime(e.getEventTime())
        .evidence(evidence)
        .message(message)
        .build();
  }
}
