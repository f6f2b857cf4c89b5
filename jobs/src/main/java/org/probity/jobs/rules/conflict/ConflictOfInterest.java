package org.probity.jobs.rules.conflict;

import java.time.Instant;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.Alert;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * CONFLICT_OF_INTEREST / RELATED_PARTY (回避): "the official who reviews, decides, signs, buys or
 * awards is a related party of the applicant, payee or supplier". One rule id over three streams:
 * each stream has its own rule class (the subject is the case, voucher or procurement acted on), and
 * they all judge and word the alert here, so the lookup, reason, severity and version stay one.
 *
 * <p>The related parties are the rules file's {@code relatedParties}; an official it lists no
 * relation for is unrelated, so this check has no reference-data gap: it needs no other fact about
 * the official. One alert per subject and official (the official is the discriminator), dated by the
 * act.
 */
public final class ConflictOfInterest {
  public static final int VERSION = 1;
  public static final String RELATED_PARTY = RuleId.CONFLICT_OF_INTEREST.reason("RELATED_PARTY");
  /** 应回避未回避 is a red card: the control itself (the official's independence) failed. */
  public static final Severity SEVERITY = Severity.RED;

  private ConflictOfInterest() {}

  /** Whether {@code officialId} acting for or on {@code partyId} is a conflict of interest. */
  public static boolean conflicted(ReferenceData reference, String officialId, String partyId) {
    return reference.related(officialId, partyId);
  }

  /**
   * The RELATED_PARTY alert of one act.
   *
   * @param act what the official did, in Chinese, e.g. "签批", "审核", "定标"
   * @param subjectName the subject as a person reads it, e.g. "付款凭证V-1"
   */
  public static Alert alert(String unitId, SubjectType subjectType, String subjectId, String officialId,
      String partyId, String act, String subjectName, Long amountFen, Instant eventTime, String eventId) {
    return Alerts.of(RuleId.CONFLICT_OF_INTEREST, VERSION, RELATED_PARTY)
        .severity(SEVERITY)
        .unit(unitId)
        .subject(subjectType, subjectId)
        .discriminator(officialId)
        .person(officialId)
        .amountFen(amountFen)
        .eventTime(eventTime)
        .evidence(eventId)
        .message(officialId + "与" + partyId + "存在关联关系，应回避却" + act + "了" + subjectName)
        .build();
  }
}
