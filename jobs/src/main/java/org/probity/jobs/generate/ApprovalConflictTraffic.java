package org.probity.jobs.generate;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.conflict.ConflictOfInterest;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * CONFLICT_OF_INTEREST on approvals, in units where a reviewer or approver has a related party in
 * the rules file. Per working day, at the configured rate, a case of that party is reviewed or
 * decided by the related official (ground truth: one RELATED_PARTY alert); at the same rate again,
 * a near miss — a case of the party handled by officials not related to it. Otherwise nothing:
 * {@link ApprovalTraffic} makes the clean cases.
 *
 * <p>The cases themselves are clean for every other approval rule, shaped like {@link
 * ApprovalTraffic}'s: received, reviewed an hour later, decided an hour after that by a different
 * person, completed with the catalogue's fee, all on the day. Half the conflict cases name the
 * applicant on RECEIVED only, so the rule has to find it there.
 */
final class ApprovalConflictTraffic implements TrafficPlanter {
  private WorkingDayCalendar calendar;


  @Override
  public void plantDay(LocalDate day, ReferenceData.Unit unit, GenContext ctx) {
    if (calendar == null) {
      calendar = WorkingDayCalendar.of(ctx.config());
    }
    // Windows receive cases on working days only (the official calendar, 调休 included).
    if (!calendar.isWorkingDay(day)) {
      return;
    }
    Map<String, String> actors = relatedActors(unit.id(), ctx);
    if (actors.isEmpty()) {
      return;
    }
    if (ctx.plantViolation(unit.id())) {
      List<String> officials = new ArrayList<>(actors.keySet());
      String official = officials.get(ctx.random().nextInt(officials.size()));
      conflictCase(day, unit.id(), official, actors.get(official), ctx);
    } else if (ctx.plantViolation(unit.id())) {
      List<String> parties = new ArrayList<>(new TreeSet<>(actors.values()));
      handledByOthers(day, unit.id(), parties.get(ctx.random().nextInt(parties.size())), ctx);
    }
  }

  /** The unit's REVIEWERs and APPROVERs with a related party: official → one of its parties (the first), sorted. */
  private static Map<String, String> relatedActors(String unitId, GenContext ctx) {
    Map<String, String> actors = new TreeMap<>();
    ctx.config().reference().relatedParties().forEach((personId, parties) -> {
      ReferenceData.Person p = ctx.config().reference().person(personId);
      if (p != null && p.unitId().equals(unitId) && (p.role().equals("REVIEWER") || p.role().equals("APPROVER"))) {
        actors.put(personId, new TreeSet<>(parties).first());
      }
    });
    return actors;
  }

  private void conflictCase(LocalDate day, String unitId, String official, String party, GenContext ctx) {
    boolean reviewer = ctx.config().reference().person(official).role().equals("REVIEWER");
    String reviewerId = reviewer ? official : unrelated(unitId, "REVIEWER", party, ctx);
    String approverId = reviewer ? unrelated(unitId, "APPROVER", party, ctx) : official;
    if (reviewerId == null || approverId == null) {
      return;
    }
    boolean actsNameApplicant = ctx.random().nextBoolean();
    List<ApprovalEvent> events = caseEvents(day, unitId, party, reviewerId, approverId, actsNameApplicant, ctx);
    ApprovalEvent received = events.get(0);
    ApprovalEvent act = events.get(reviewer ? 1 : 2);
    ctx.expect(Alerts.of(RuleId.CONFLICT_OF_INTEREST, ConflictOfInterest.VERSION, ConflictOfInterest.RELATED_PARTY)
        .severity(Severity.RED)
        .unit(unitId)
        .subject(SubjectType.CASE, act.getCaseId())
        .discriminator(official)
        .person(official)
        .eventTime(act.getEventTime())
        .evidence(actsNameApplicant ? null : received.getEventId())
        .evidence(act.getEventId())
        .build());
  }

  private void handledByOthers(LocalDate day, String unitId, String party, GenContext ctx) {
    String reviewerId = unrelated(unitId, "REVIEWER", party, ctx);
    String approverId = unrelated(unitId, "APPROVER", party, ctx);
    if (reviewerId != null && approverId != null) {
      caseEvents(day, unitId, party, reviewerId, approverId, true, ctx);
    }
  }

  /** A person of {@code role} in the unit who is not related to {@code party}, or null. */
  private static String unrelated(String unitId, String role, String party, GenContext ctx) {
    List<String> candidates = ctx.people(unitId, role).stream()
        .filter(p -> !ctx.config().reference().related(p, party))
        .toList();
    return candidates.isEmpty() ? null : ctx.pick(candidates);
  }

  private static ApprovalEvent event(GenContext ctx, String caseId, String unitId, ReferenceData.Item item,
      ApprovalAction action, Instant time, String actor, String role, String applicant) {
    return ApprovalEvent.newBuilder()
        .setEventId(ctx.nextId("EA"))
        .setEventTime(time)
        .setUnitId(unitId)
        .setCaseId(caseId)
        .setItemCode(item.code())
        .setAction(action)
        .setActorId(actor)
        .setActorRole(role)
        .setApplicantId(applicant)
        .build();
  }

  /** Emits a clean case of {@code applicant}; returns RECEIVED, REVIEWED, APPROVED, COMPLETED. */
  private static List<ApprovalEvent> caseEvents(LocalDate day, String unitId, String applicant, String reviewerId,
      String approverId, boolean actsNameApplicant, GenContext ctx) {
    List<ReferenceData.Item> items = new ArrayList<>(ctx.config().reference().items().values());
    items.sort((a, b) -> a.code().compareTo(b.code()));
    ReferenceData.Item item = items.get(ctx.random().nextInt(items.size()));
    String caseId = ctx.nextId("CASE");
    String clerk = ctx.pick(ctx.people(unitId, "CLERK"));
    Instant received = ctx.at(day, 10, ctx.random().nextInt(60));
    String onActs = actsNameApplicant ? applicant : null;
    List<ApprovalEvent> events = List.of(
        event(ctx, caseId, unitId, item, ApprovalAction.RECEIVED, received, clerk, "CLERK", applicant),
        event(ctx, caseId, unitId, item, ApprovalAction.REVIEWED, received.plusSeconds(3600), reviewerId,
            "REVIEWER", onActs),
        event(ctx, caseId, unitId, item, ApprovalAction.APPROVED, received.plusSeconds(7200), approverId,
            "APPROVER", onActs),
        event(ctx, caseId, unitId, item, ApprovalAction.COMPLETED, received.plusSeconds(10800), clerk,
            "CLERK", applicant));
    events.get(3).setFeeFen(item.feeFen());
    events.forEach(ctx::emit);
    return events;
  }
}
