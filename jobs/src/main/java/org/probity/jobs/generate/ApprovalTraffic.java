package org.probity.jobs.generate;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;

/**
 * 行政审批办件: cases received at the window, reviewed, decided and completed. Clean cases are
 * decided on the day they are received, by a reviewer and an approver who are different people,
 * with the catalogue's fee.
 */
final class ApprovalTraffic implements TrafficPlanter {

  @Override
  public void plantDay(LocalDate day, ReferenceData.Unit unit, GenContext ctx) {
    if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
      return;
    }
    List<ReferenceData.Item> items = new ArrayList<>(ctx.config().reference().items().values());
    if (items.isEmpty()) {
      return;
    }
    items.sort((a, b) -> a.code().compareTo(b.code()));
    for (int i = 0; i < ctx.scale(); i++) {
      ReferenceData.Item item = items.get(ctx.random().nextInt(items.size()));
      cleanCase(day, unit.id(), item, ctx);
    }
  }

  private void cleanCase(LocalDate day, String unitId, ReferenceData.Item item, GenContext ctx) {
    String caseId = ctx.nextId("CASE");
    String applicant = ctx.nextId("AP");
    Instant received = ctx.at(day, 9, ctx.random().nextInt(60));
    String clerk = ctx.pick(ctx.people(unitId, "CLERK"));
    String reviewer = ctx.pick(ctx.people(unitId, "REVIEWER"));
    String approver = ctx.pick(ctx.people(unitId, "APPROVER"));
    ctx.emit(event(ctx, caseId, unitId, item, ApprovalAction.RECEIVED, received, clerk, "CLERK", applicant));
    ctx.emit(event(ctx, caseId, unitId, item, ApprovalAction.REVIEWED, received.plusSeconds(3600), reviewer,
        "REVIEWER", applicant));
    ctx.emit(event(ctx, caseId, unitId, item, ApprovalAction.APPROVED, received.plusSeconds(7200), approver,
        "APPROVER", applicant));
    ApprovalEvent completed = event(ctx, caseId, unitId, item, ApprovalAction.COMPLETED,
        received.plusSeconds(10800), clerk, "CLERK", applicant);
    completed.setFeeFen(item.feeFen());
    ctx.emit(completed);
  }

  static ApprovalEvent event(GenContext ctx, String caseId, String unitId, ReferenceData.Item item,
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
}
