package org.probity.jobs.generate;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.SignerRole;

/**
 * 财务支付: vouchers submitted, signed 三审三签 (deputy, discipline secretary, principal — three
 * different people), then paid. Clean vouchers stay below the unit's large-funds threshold and
 * every signer's authority limit, with a fresh invoice and a payee related to nobody.
 */
final class PaymentTraffic implements TrafficPlanter {

  @Override
  public void plantDay(LocalDate day, ReferenceData.Unit unit, GenContext ctx) {
    if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
      return;
    }
    for (int i = 0; i < ctx.scale(); i++) {
      cleanVoucher(day, unit.id(), ctx);
    }
  }

  private void cleanVoucher(LocalDate day, String unitId, GenContext ctx) {
    String deputy = ctx.person(unitId, "DEPUTY");
    String discipline = ctx.person(unitId, "DISCIPLINE");
    String principal = ctx.person(unitId, "PRINCIPAL");
    long ceiling = ctx.config().largeFundsThresholdFen(unitId);
    for (String signer : new String[] {deputy, discipline, principal}) {
      Long limit = ctx.config().reference().person(signer).authorityLimitFen();
      if (limit != null) {
        ceiling = Math.min(ceiling, limit + 1);
      }
    }
    long amount = 10_000 + (long) (ctx.random().nextDouble() * (ceiling - 10_000) * 0.9);
    String voucherId = ctx.nextId("V");
    String payee = ctx.nextId("PAYEE");
    String invoice = ctx.nextId("INV");
    Instant t = ctx.at(day, 10, ctx.random().nextInt(60));
    ctx.emit(event(ctx, voucherId, unitId, PaymentAction.SUBMITTED, t, amount, payee, invoice));
    ctx.emit(signed(ctx, voucherId, unitId, t.plusSeconds(1800), amount, payee, invoice, deputy, SignerRole.DEPUTY));
    ctx.emit(signed(ctx, voucherId, unitId, t.plusSeconds(3600), amount, payee, invoice, discipline,
        SignerRole.DISCIPLINE));
    ctx.emit(signed(ctx, voucherId, unitId, t.plusSeconds(5400), amount, payee, invoice, principal,
        SignerRole.PRINCIPAL));
    ctx.emit(event(ctx, voucherId, unitId, PaymentAction.PAID, t.plusSeconds(7200), amount, payee, invoice));
  }

  static PaymentEvent event(GenContext ctx, String voucherId, String unitId, PaymentAction action, Instant time,
      long amount, String payee, String invoice) {
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
        .build();
  }

  static PaymentEvent signed(GenContext ctx, String voucherId, String unitId, Instant time, long amount,
      String payee, String invoice, String signer, SignerRole role) {
    PaymentEvent e = event(ctx, voucherId, unitId, PaymentAction.SIGNED, time, amount, payee, invoice);
    e.setSignerId(signer);
    e.setSignerRole(role);
    return e;
  }
}
