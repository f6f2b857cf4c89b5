package org.probity.jobs.rules.payment;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.SubjectRule;
import org.probity.schema.Alert;
import org.probity.schema.PaymentEvent;

/**
 * PAYMENT_SIGNATURE_CHAIN as a keyed function: the rule's engine when the rules file says {@code
 * signatureChainEngine: keyed}. Same semantics as the CEP pattern of {@link SignatureChainRule}: per
 * voucher, in event-time order (ties by eventId), the SIGNED events since the last REJECTED or PAID
 * and within {@code signatureWindowDays} are judged at PAID by the same {@link
 * SignatureChainRule#judge}. It keeps only the SIGNED events and one pruning timer per voucher, and
 * nothing once the voucher is paid: a re-sent PAID of a paid voucher is dropped in front of both
 * engines, by {@link VoucherFacts}'s tombstone.
 *
 * <p>Why it exists beside CEP: Flink CEP starts a partial match at every event and, on RocksDB,
 * seeks its shared buffer's map states each time it advances a voucher's clock; in Flink 2.2 those
 * seeks scan the tombstones of every emptied voucher after it (FLINK-40584), which made the CEP
 * operator the whole pipeline's bottleneck on RocksDB (docs/benchmarks.md).
 */
public final class KeyedSignatureChain extends SubjectRule<PaymentEvent, Alert> {
  private static final long serialVersionUID = 1L;
  private final long windowMillis;
  private final ProbityConfig config;
  private transient ListState<PaymentEvent> signatures;
  private transient ValueState<Long> pruneAt;

  public KeyedSignatureChain(ProbityConfig config) {
    this.windowMillis = config.payment().signatureWindowDays() * 86_400_000L;
    this.config = config;
  }

  @Override
  protected void openState() {
    signatures = getRuntimeContext().getListState(new ListStateDescriptor<>("signatures", PaymentEvent.class));
    pruneAt = getRuntimeContext().getState(new ValueStateDescriptor<>("prune-at", Types.LONG));
  }

  @Override
  protected void processInOrder(PaymentEvent e, Context ctx, Collector<Alert> out) throws Exception {
    switch (e.getAction()) {
      case SIGNED -> {
        signatures.add(e);
        if (pruneAt.value() == null) {
          schedulePrune(ctx.timestamp() + windowMillis, ctx);
        }
      }
      case PAID -> {
        List<PaymentEvent> live = new ArrayList<>();
        for (PaymentEvent s : signatures.get()) {
          if (ctx.timestamp() - s.getEventTime().toEpochMilli() < windowMillis) {
            live.add(s);
          }
        }
        SignatureChainRule.judge(live, e, config.signingChain(e.getUnitId())).forEach(out::collect);
        clear(ctx);
      }
      case REJECTED -> clear(ctx);
      case SUBMITTED -> { }
    }
  }

  @Override
  protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    Long at = pruneAt.value();
    if (at == null || at != time) {
      return;
    }
    pruneAt.clear();
    List<PaymentEvent> kept = new ArrayList<>();
    long earliest = Long.MAX_VALUE;
    for (PaymentEvent s : signatures.get()) {
      long t = s.getEventTime().toEpochMilli();
      if (time - t < windowMillis) {
        kept.add(s);
        earliest = Math.min(earliest, t);
      }
    }
    signatures.update(kept);
    if (!kept.isEmpty()) {
      schedulePrune(earliest + windowMillis, ctx);
    }
  }

  private void schedulePrune(long time, Context ctx) throws Exception {
    pruneAt.update(time);
    ctx.timerService().registerEventTimeTimer(time);
  }

  private void clear(Context ctx) throws Exception {
    Long at = pruneAt.value();
    if (at != null) {
      ctx.timerService().deleteEventTimeTimer(at);
    }
    pruneAt.clear();
    signatures.clear();
  }
}
