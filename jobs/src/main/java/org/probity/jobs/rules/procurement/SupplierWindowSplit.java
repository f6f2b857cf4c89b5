package org.probity.jobs.rules.procurement;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.Money;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.StateExpiry;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * PROCUREMENT_SPLIT_PURCHASE / SAME_SUPPLIER_WINDOW, keyed by (unit, supplier): the unit's
 * countable orders (see {@link SplitPurchaseRule}) with event times in (t − {@code splitWindowDays}, t]
 * number at least two and together reach the tender threshold. Where categories carry different
 * thresholds, the window is held to the lowest threshold among its orders: the strictest standard
 * any part of the split purchase falls under.
 *
 * <p><b>Groups.</b> The first order at which a window reaches the threshold raises one alert
 * (YELLOW), evidence = the window's orders, {@code eventTime} = that order's time, amount = their
 * sum. A later order whose own window also reaches the threshold, while that window still holds
 * the group's last violating order, belongs to the same group: it escalates the alert (ESCALATED,
 * RED: the unit kept splitting after the pattern was flagged) with the group's orders so far as
 * evidence — the earlier evidence plus every order since. Once {@code splitWindowDays} pass without such an
 * order, every order that proved the group has left the window: the group is closed and the next
 * violation is a new group, told apart by the alertId discriminator (the eventId of its first
 * order).
 *
 * <p><b>Incremental.</b> The window is a FIFO of orders in keyed state (a map from a running
 * sequence number, with head and next pointers) and a running sum: an order appends one entry
 * and evicts the entries that fell out of the window, each once, so an order costs O(1) amortised
 * whatever the key's history. The lowest threshold comes from a count of the window's orders per
 * distinct threshold (a unit has a handful). Only raising or escalating reads the group's orders,
 * because the alert carries them all. When the key is quiet for a window length, its state is dropped.
 *
 * <p>An order that arrives behind the watermark (later than the out-of-orderness bound) joins the
 * window as it stands when it arrives: it is judged, never dropped, but the window is not rebuilt
 * around its older timestamp.
 */
public final class SupplierWindowSplit extends SubjectRule<ProcurementEvent, Alert> {
  private static final long serialVersionUID = 1L;

  /** One countable order in the window. */
  public record WindowedOrder(String eventId, long time, long amountFen, long thresholdFen, String buyerId) {}

  /**
   * The window's FIFO pointers ([head, next) are in the map), its sum, its newest order time, and
   * how many of its orders fall under each distinct threshold (parallel arrays; a unit has a
   * handful of thresholds). Kept in this one value, read and written once per order anyway: a
   * map state of counts would cost a read, a write and an iteration more per order.
   */
  public record Window(long head, long next, long sumFen, long newestTime, long[] thresholdsFen,
      int[] ordersAtThreshold) {

    static Window empty(long time) {
      return new Window(0, 0, 0, time, new long[0], new int[0]);
    }

    /** The window with {@code order} appended as entry {@code next}. */
    Window plus(WindowedOrder order) {
      return new Window(head, next + 1, sumFen + order.amountFen(), Math.max(newestTime, order.time()),
          thresholdsFen, counted(order.thresholdFen(), 1));
    }

    /** The window without its head entry {@code order}. */
    Window minusHead(WindowedOrder order) {
      return new Window(head + 1, next, sumFen - order.amountFen(), newestTime, thresholdsFen,
          counted(order.thresholdFen(), -1));
    }

    /** The lowest threshold any order in the window falls under. */
    long lowestThresholdFen() {
      long lowest = Long.MAX_VALUE;
      for (int i = 0; i < thresholdsFen.length; i++) {
        if (ordersAtThreshold[i] > 0) {
          lowest = Math.min(lowest, thresholdsFen[i]);
        }
      }
      return lowest;
    }

    private int[] counted(long threshold, int delta) {
      for (int i = 0; i < thresholdsFen.length; i++) {
        if (thresholdsFen[i] == threshold) {
          int[] counts = ordersAtThreshold.clone();
          counts[i] += delta;
          return counts;
        }
      }
      throw new IllegalStateException("unknown threshold " + threshold);
    }

    /** The window, knowing {@code threshold} (with no orders yet) if it did not. */
    Window knowing(long threshold) {
      for (long known : thresholdsFen) {
        if (known == threshold) {
          return this;
        }
      }
      long[] thresholds = Arrays.copyOf(thresholdsFen, thresholdsFen.length + 1);
      thresholds[thresholdsFen.length] = threshold;
      return new Window(head, next, sumFen, newestTime, thresholds,
          Arrays.copyOf(ordersAtThreshold, ordersAtThreshold.length + 1));
    }
  }

  /** The open group: its first order (the discriminator), last evidence entry and last violating order time. */
  public record Group(String firstEventId, long lastSeq, long lastViolationTime) {}

  private final ProbityConfig config;
  private final long windowMillis;
  private final StateExpiry expiry = new StateExpiry("supplier-window-expiry");
  private transient MapState<Long, WindowedOrder> orders;
  private transient ValueState<Window> window;
  private transient ValueState<Group> group;
  private transient ListState<WindowedOrder> groupOrders;

  public SupplierWindowSplit(ProbityConfig config) {
    this.config = config;
    this.windowMillis = config.procurement().splitWindowDays() * 86_400_000L;
  }

  @Override
  protected void openState() {
    TypeInformation<WindowedOrder> orderType = TypeInformation.of(WindowedOrder.class);
    orders = getRuntimeContext().getMapState(new MapStateDescriptor<>("window-orders", Types.LONG, orderType));
    window = getRuntimeContext().getState(new ValueStateDescriptor<>("window", Window.class));
    group = getRuntimeContext().getState(new ValueStateDescriptor<>("group", Group.class));
    groupOrders = getRuntimeContext().getListState(new ListStateDescriptor<>("group-orders", orderType));
    expiry.open(getRuntimeContext());
  }

  @Override
  protected void processInOrder(ProcurementEvent e, Context ctx, Collector<Alert> out) throws Exception {
    if (!SplitPurchaseRule.countable(e, config)) {
      return;
    }
    long t = ctx.timestamp();
    long cutoff = t - windowMillis;
    Window w = window.value();
    w = w == null ? Window.empty(t) : evict(w, cutoff);
    Group g = group.value();
    if (g != null && g.lastViolationTime() <= cutoff) {
      g = null;
      group.clear();
      groupOrders.clear();
    }

    long threshold = config.tenderThresholdFen(e.getUnitId(), e.getCategory());
    WindowedOrder order = new WindowedOrder(e.getEventId(), t, e.getAmountFen(), threshold, e.getActorId());
    orders.put(w.next(), order);
    w = w.knowing(threshold).plus(order);
    window.update(w);
    expiry.extendTo(w.newestTime() + windowMillis, ctx.timerService());

    long lowest = w.lowestThresholdFen();
    if (w.next() - w.head() < 2 || w.sumFen() < lowest) {
      return;
    }
    long lastSeq = w.next() - 1;
    // After a late order the group's next entry may already be out of the window; the window starts at head.
    long firstNew = g == null ? w.head() : Math.max(g.lastSeq() + 1, w.head());
    for (long seq = firstNew; seq <= lastSeq; seq++) {
      groupOrders.add(orders.get(seq));
    }
    boolean raised = g == null;
    String firstEventId = raised ? orders.get(w.head()).eventId() : g.firstEventId();
    long lastViolation = raised ? w.newestTime() : Math.max(g.lastViolationTime(), w.newestTime());
    group.update(new Group(firstEventId, lastSeq, lastViolation));
    out.collect(alert(e, firstEventId, raised, w.newestTime(), lowest));
  }

  private Window evict(Window w, long cutoff) throws Exception {
    while (w.head() < w.next()) {
      WindowedOrder first = orders.get(w.head());
      if (first.time() > cutoff) {
        break;
      }
      orders.remove(w.head());
      w = w.minusHead(first);
    }
    return w;
  }

  private Alert alert(ProcurementEvent e, String firstEventId, boolean raised, long eventTime, long threshold)
      throws Exception {
    List<String> evidence = new ArrayList<>();
    List<String> buyers = new ArrayList<>();
    long total = 0;
    for (WindowedOrder o : groupOrders.get()) {
      evidence.add(o.eventId());
      if (o.buyerId() != null && !buyers.contains(o.buyerId())) {
        buyers.add(o.buyerId());
      }
      total += o.amountFen();
    }
    return Alerts.of(RuleId.PROCUREMENT_SPLIT_PURCHASE, SplitPurchaseRule.VERSION, SplitPurchaseRule.SAME_SUPPLIER_WINDOW)
        .severity(raised ? Severity.YELLOW : Severity.RED)
        .status(raised ? AlertStatus.RAISED : AlertStatus.ESCALATED)
        .unit(e.getUnitId())
        .subject(SubjectType.SUPPLIER, e.getSupplierId())
        .discriminator(firstEventId)
        .persons(buyers)
        .amountFen(total)
        .eventTime(Instant.ofEpochMilli(eventTime))
        .evidence(evidence)
        .message("单位" + e.getUnitId() + "向供应商" + e.getSupplierId() + "非招标采购" + evidence.size() + "笔，合计"
            + Money.yuan(total) + "；每笔均低于公开招标数额标准" + Money.yuan(threshold) + "，"
            + config.procurement().splitWindowDays() + "日内累计达到该标准，涉嫌化整为零规避招标"
            + (raised ? "" : "（预警后继续拆分采购）"))
        .build();
  }

  @Override
  protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    if (expiry.isDue(time, ctx.timerService())) {
      orders.clear();
      window.clear();
      group.clear();
      groupOrders.clear();
    }
  }
}
