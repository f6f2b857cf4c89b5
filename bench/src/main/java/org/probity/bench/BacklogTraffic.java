package org.probity.bench;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.generate.GenContext;
import org.probity.jobs.generate.TrafficPlanter;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.SignerRole;

/**
 * The standing population a real county carries and the shipped generator does not: its clean
 * cases are decided the day they arrive, its vouchers paid within hours. Added to the shipped
 * planters it keeps, every working day and unit,
 * <ul>
 *   <li>{@code casesPerUnitDay} approval cases that stay open {@code caseOpenDays} calendar days
 *       (received, reviewed the next day, approved and completed on the last day);</li>
 *   <li>{@code vouchersPerUnitDay} vouchers in flight for {@code voucherOpenDays} (one signature a
 *       day, 三审三签 in order, then paid);</li>
 *   <li>{@code repeatOrdersPerUnitDay} small inquiry orders to a pool of {@code suppliersPerUnit}
 *       regular suppliers, so split-purchase groups (unit × supplier) hold several orders each.</li>
 * </ul>
 * All of it is clean for every rule of the contract: cases decided well inside their promised
 * working days (a calendar day never counts as more than one working day), distinct reviewer and
 * approver, the catalogue fee; vouchers below every threshold and authority limit; supplier sums
 * far below the tender threshold. Alerts come only from the shipped planters' planted violations.
 *
 * <p>The population is there from the first day: on a unit's first day the planter also plants
 * what it would have started on the days before (still open at the start, with their earlier
 * events dated in the past, which come first in the stream), so a run needs no weeks of traffic
 * to build it up.
 */
final class BacklogTraffic implements TrafficPlanter {
  private final int casesPerUnitDay;
  private final int caseOpenDays;
  private final int vouchersPerUnitDay;
  private final int voucherOpenDays;
  private final int repeatOrdersPerUnitDay;
  private final int suppliersPerUnit;
  private final Set<String> unitsStarted = new HashSet<>();

  BacklogTraffic(int casesPerUnitDay, int caseOpenDays, int vouchersPerUnitDay, int voucherOpenDays,
      int repeatOrdersPerUnitDay, int suppliersPerUnit) {
    this.casesPerUnitDay = casesPerUnitDay;
    this.caseOpenDays = caseOpenDays;
    this.vouchersPerUnitDay = vouchersPerUnitDay;
    this.voucherOpenDays = voucherOpenDays;
    this.repeatOrdersPerUnitDay = repeatOrdersPerUnitDay;
    this.suppliersPerUnit = suppliersPerUnit;
  }

  @Override
  public void plantDay(LocalDate day, ReferenceData.Unit unit, GenContext ctx) {
    if (unitsStarted.add(unit.id())) {
      int window = ctx.config().procurement().splitWindowDays();
      for (int back = Math.max(caseOpenDays, Math.max(voucherOpenDays, window)); back > 0; back--) {
        plant(day.minusDays(back), unit, ctx, back < caseOpenDays, back < voucherOpenDays, back < window);
      }
    }
    plant(day, unit, ctx, true, true, true);
  }

  private void plant(LocalDate day, ReferenceData.Unit unit, GenContext ctx, boolean cases, boolean vouchers,
      boolean orders) {
    if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
      return;
    }
    List<ReferenceData.Item> items = longEnoughItems(ctx);
    for (int i = 0; cases && i < casesPerUnitDay; i++) {
      openCase(day, unit.id(), items.get(ctx.random().nextInt(items.size())), ctx);
    }
    for (int i = 0; vouchers && i < vouchersPerUnitDay; i++) {
      voucherInFlight(day, unit.id(), ctx);
    }
    for (int i = 0; orders && i < repeatOrdersPerUnitDay; i++) {
      repeatOrder(day, unit.id(), ctx);
    }
  }

  /**
   * Items whose promised limit leaves the case clean: decided after {@code caseOpenDays} calendar
   * days, i.e. at most that many working days, before the NOTICE day.
   */
  private List<ReferenceData.Item> longEnoughItems(GenContext ctx) {
    int needed = caseOpenDays + ctx.config().approval().noticeWorkingDays() + 1;
    List<ReferenceData.Item> items = ctx.config().reference().items().values().stream()
        .filter(i -> i.promisedWorkingDays() >= needed)
        .sorted(Comparator.comparing(ReferenceData.Item::code))
        .toList();
    if (items.isEmpty()) {
      throw new ConfigException("bench: no catalogue item promises " + needed + " working days or more");
    }
    return items;
  }

  private void openCase(LocalDate day, String unitId, ReferenceData.Item item, GenContext ctx) {
    String caseId = ctx.nextId("CASE");
    String applicant = ctx.nextId("AP");
    Instant received = ctx.at(day, 9, ctx.random().nextInt(60));
    String clerk = ctx.pick(ctx.people(unitId, "CLERK"));
    String reviewer = ctx.pick(ctx.people(unitId, "REVIEWER"));
    String approver = ctx.pick(ctx.people(unitId, "APPROVER"));
    Instant decided = ctx.at(day.plusDays(caseOpenDays), 10, ctx.random().nextInt(60));
    ctx.emit(approval(ctx, caseId, unitId, item, ApprovalAction.RECEIVED, received, clerk, "CLERK", applicant));
    ctx.emit(approval(ctx, caseId, unitId, item, ApprovalAction.REVIEWED, received.plusSeconds(86_400), reviewer,
        "REVIEWER", applicant));
    ctx.emit(approval(ctx, caseId, unitId, item, ApprovalAction.APPROVED, decided, approver, "APPROVER",
        applicant));
    ApprovalEvent completed = approval(ctx, caseId, unitId, item, ApprovalAction.COMPLETED,
        decided.plusSeconds(3600), clerk, "CLERK", applicant);
    completed.setFeeFen(item.feeFen());
    ctx.emit(completed);
  }

  private void voucherInFlight(LocalDate day, String unitId, GenContext ctx) {
    String deputy = ctx.person(unitId, "DEPUTY");
    String discipline = ctx.person(unitId, "DISCIPLINE");
    String principal = ctx.person(unitId, "PRINCIPAL");
    long ceiling = ctx.config().largeFundsThresholdFen(unitId);
    for (String signer : List.of(deputy, discipline, principal)) {
      Long limit = ctx.config().reference().person(signer).authorityLimitFen();
      if (limit != null) {
        ceiling = Math.min(ceiling, limit);
      }
    }
    long amount = 10_000 + (long) (ctx.random().nextDouble() * (ceiling - 10_000) * 0.5);
    String voucherId = ctx.nextId("V");
    String payee = ctx.nextId("PAYEE");
    String invoice = ctx.nextId("INV");
    Instant submitted = ctx.at(day, 10, ctx.random().nextInt(60));
    long step = Math.max(1, voucherOpenDays / 4) * 86_400L;
    ctx.emit(payment(ctx, voucherId, unitId, PaymentAction.SUBMITTED, submitted, amount, payee, invoice, null, null));
    ctx.emit(payment(ctx, voucherId, unitId, PaymentAction.SIGNED, submitted.plusSeconds(step), amount, payee,
        invoice, deputy, SignerRole.DEPUTY));
    ctx.emit(payment(ctx, voucherId, unitId, PaymentAction.SIGNED, submitted.plusSeconds(2 * step), amount, payee,
        invoice, discipline, SignerRole.DISCIPLINE));
    ctx.emit(payment(ctx, voucherId, unitId, PaymentAction.SIGNED, submitted.plusSeconds(3 * step), amount, payee,
        invoice, principal, SignerRole.PRINCIPAL));
    ctx.emit(payment(ctx, voucherId, unitId, PaymentAction.PAID, submitted.plusSeconds(voucherOpenDays * 86_400L),
        amount, payee, invoice, null, null));
  }

  /** A tiny order (≤ 0.01% of the threshold) to one of the unit's regular suppliers. */
  private void repeatOrder(LocalDate day, String unitId, GenContext ctx) {
    String supplier = unitId + "-SUP-" + ctx.random().nextInt(suppliersPerUnit);
    String category = "办公用品";
    long threshold = ctx.config().tenderThresholdFen(unitId, category);
    long amount = Math.max(100, (long) (threshold * 0.0001 * ctx.random().nextDouble()));
    ctx.emit(ProcurementEvent.newBuilder()
        .setEventId(ctx.nextId("EPR"))
        .setEventTime(ctx.at(day, 15, ctx.random().nextInt(60)))
        .setUnitId(unitId)
        .setProcurementId(ctx.nextId("PR"))
        .setAction(ProcurementAction.ORDER_PLACED)
        .setActorId(ctx.person(unitId, "BUYER"))
        .setSupplierId(supplier)
        .setCategory(category)
        .setAmountFen(amount)
        .setMethod(ProcurementMethod.INQUIRY)
        .build());
  }

  private static ApprovalEvent approval(GenContext ctx, String caseId, String unitId, ReferenceData.Item item,
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

  private static PaymentEvent payment(GenContext ctx, String voucherId, String unitId, PaymentAction action,
      Instant time, long amount, String payee, String invoice, String signer, SignerRole role) {
    return PaymentEvent.newBuilder()
        .setEventId(ctx.nextId("EP"))
        .setEventTime(time)
        .setUnitId(unitId)
        .setVoucherId(voucherId)
        .setAction(action)
        .setAmountFen(amount)
        .setPayeeId(payee)
        .setInvoiceNo(invoice)
        .setCategory("办公经费")
        .setSignerId(signer)
        .setSignerRole(role)
        .build();
  }
}
