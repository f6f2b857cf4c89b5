package org.probity.jobs.rules.procurement;

import org.probity.jobs.rules.Filtered;
import org.probity.jobs.rules.Subjects;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.Money;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.Rule;
import org.probity.jobs.rules.StateExpiry;
import org.probity.schema.Alert;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * PROCUREMENT_BID_RIGGING (串标, seed 004), keyed by procurementId, judged at BIDS_OPENED over the
 * tender's bids submitted up to that instant (a bid at the very instant of opening is in time):
 * <ul>
 *   <li>SHARED_FINGERPRINT (RED): two bidders submitted from one device/IP hash;
 *   <li>IDENTICAL_BIDS (RED): two bidders bid the same amount;
 *   <li>CLOSE_BIDS (YELLOW, a statistical sign rather than proof): at least three bids within
 *       {@code closeBidsPercent} of each other, i.e. highest − lowest ≤ that share of the lowest.
 * </ul>
 * A bidder may revise its bid before the opening: amounts are compared on each bidder's last bid,
 * devices on all its bids (a revision from a second device does not wash out the first). One
 * alert per procurement and reason, dated at the opening; evidence = the bids concerned, in event
 * time order; amount = the lowest of them; person = the official who opened the bids.
 *
 * <p><b>Bids after the opening.</b> A bid whose event time is after BIDS_OPENED should not exist
 * (招标投标法 第二十八条: a bid after the deadline must be refused), so it is reported by itself,
 * reason {@value #BID_AFTER_OPENING} (RED), one alert per late bid (discriminator: its eventId),
 * evidence = the opening and the bid, dated at the bid. It is not mixed into the opened bids: the
 * opening's verdict stands on what was opened. A bid stamped at or before the opening that
 * <em>arrives</em> after it (later than the watermark) is part of the opening: the bids are judged
 * again with it, and a reason that only now holds is raised, still dated at the opening.
 *
 * <p>State lives only for procurements with bids or an opening, until {@code
 * procurementRetentionDays} after their last bid or opening.
 */
public final class BidRiggingRule implements Rule {
  public static final int VERSION = 1;
  public static final String SHARED_FINGERPRINT = RuleId.PROCUREMENT_BID_RIGGING.reason("SHARED_FINGERPRINT");
  public static final String IDENTICAL_BIDS = RuleId.PROCUREMENT_BID_RIGGING.reason("IDENTICAL_BIDS");
  public static final String CLOSE_BIDS = RuleId.PROCUREMENT_BID_RIGGING.reason("CLOSE_BIDS");
  public static final String BID_AFTER_OPENING = RuleId.PROCUREMENT_BID_RIGGING.reason("BID_AFTER_OPENING");

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.PROCUREMENT_BID_RIGGING);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.procurements().rule(Filtered.only(
        e -> e.getAction() == ProcurementAction.BID_SUBMITTED || e.getAction() == ProcurementAction.BIDS_OPENED,
        new Detect(config)));
  }

  /** One bid as submitted. */
  public record Bid(String eventId, long time, String bidderId, long amountFen, String fingerprint) {}

  /** The opening, and which reasons it has raised. */
  public record Opening(String eventId, long time, String unitId, String openerId, boolean sharedFingerprint,
      boolean identicalBids, boolean closeBids) {}

  static final class Detect extends SubjectRule<ProcurementEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private static final Comparator<Bid> IN_EVENT_TIME =
        Comparator.comparingLong(Bid::time).thenComparing(Bid::eventId);

    private final double closeBidsPercent;
    private final long retentionMillis;
    private final StateExpiry expiry = new StateExpiry("bid-rigging-expiry");
    private transient MapState<String, Bid> bids;
    private transient ValueState<Opening> opening;

    Detect(ProbityConfig config) {
      this.closeBidsPercent = config.procurement().closeBidsPercent();
      this.retentionMillis = config.procurement().procurementRetentionDays() * 86_400_000L;
    }

    @Override
    protected void openState() {
      bids = getRuntimeContext().getMapState(
          new MapStateDescriptor<>("bids", Types.STRING, TypeInformation.of(Bid.class)));
      opening = getRuntimeContext().getState(new ValueStateDescriptor<>("opening", Opening.class));
      expiry.open(getRuntimeContext());
    }

    @Override
    protected void processInOrder(ProcurementEvent e, Context ctx, Collector<Alert> out) throws Exception {
      long t = ctx.timestamp();
      expiry.extendTo(t + retentionMillis, ctx.timerService());
      Opening opened = opening.value();
      if (e.getAction() == ProcurementAction.BIDS_OPENED) {
        if (opened == null) {
          opening.update(judge(new Opening(e.getEventId(), t, e.getUnitId(), e.getActorId(), false, false, false),
              e.getProcurementId(), out));
        }
        return;
      }
      Bid bid = new Bid(e.getEventId(), t, e.getBidderId(), e.getAmountFen(), e.getBidderFingerprint());
      if (opened != null && t > opened.time()) {
        out.collect(lateBid(e, opened));
        return;
      }
      bids.put(bid.eventId(), bid);
      if (opened != null) {
        opening.update(judge(opened, e.getProcurementId(), out));
      }
    }

    /** Raises every reason that holds over the bids and is not raised yet; returns the opening with its flags. */
    private Opening judge(Opening o, String procurementId, Collector<Alert> out) throws Exception {
      List<Bid> all = new ArrayList<>();
      bids.values().forEach(all::add);
      all.sort(IN_EVENT_TIME);
      Map<String, Bid> lastByBidder = new HashMap<>();
      all.forEach(b -> lastByBidder.put(b.bidderId(), b));
      List<Bid> last = new ArrayList<>(lastByBidder.values());

      boolean fingerprint = o.sharedFingerprint() || raise(o, procurementId, SHARED_FINGERPRINT, sharedFingerprint(all),
          "多家投标人使用同一设备/IP投标", out);
      boolean identical = o.identicalBids() || raise(o, procurementId, IDENTICAL_BIDS, identicalBids(last),
          "多家投标人报价完全相同", out);
      boolean close = o.closeBids() || raise(o, procurementId, CLOSE_BIDS, closeBids(last),
          "三家及以上投标人报价相差不超过" + Percent.text(closeBidsPercent) + "%", out);
      return new Opening(o.eventId(), o.time(), o.unitId(), o.openerId(), fingerprint, identical, close);
    }

    private boolean raise(Opening o, String procurementId, String reason, List<Bid> evidence, String what,
        Collector<Alert> out) {
      if (evidence.isEmpty()) {
        return false;
      }
      evidence.sort(IN_EVENT_TIME);
      long lowest = evidence.stream().mapToLong(Bid::amountFen).min().orElseThrow();
      List<String> bidders = evidence.stream().map(Bid::bidderId).distinct().toList();
      out.collect(Alerts.of(RuleId.PROCUREMENT_BID_RIGGING, VERSION, reason)
          .severity(reason.equals(CLOSE_BIDS) ? Severity.YELLOW : Severity.RED)
          .unit(o.unitId())
          .subject(SubjectType.PROCUREMENT, procurementId)
          .person(o.openerId())
          .amountFen(lowest)
          .eventTime(Instant.ofEpochMilli(o.time()))
          .evidence(evidence.stream().map(Bid::eventId).toList())
          .message("采购项目" + procurementId + "开标时发现" + what + "（" + String.join("、", bidders) + "，最低报价"
              + Money.yuan(lowest) + "），涉嫌串标")
          .build());
      return true;
    }

    /** Every bid from a device that two or more bidders used. */
    private static List<Bid> sharedFingerprint(List<Bid> all) {
      Map<String, Set<String>> biddersByDevice = new HashMap<>();
      for (Bid b : all) {
        if (b.fingerprint() != null && !b.fingerprint().isBlank()) {
          biddersByDevice.computeIfAbsent(b.fingerprint(), k -> new LinkedHashSet<>()).add(b.bidderId());
        }
      }
      List<Bid> shared = new ArrayList<>();
      for (Bid b : all) {
        if (b.fingerprint() != null && biddersByDevice.getOrDefault(b.fingerprint(), Set.of()).size() >= 2) {
          shared.add(b);
        }
      }
      return shared;
    }

    /** Every last bid whose amount another bidder's last bid equals. */
    private static List<Bid> identicalBids(List<Bid> last) {
      Map<Long, Integer> byAmount = new HashMap<>();
      last.forEach(b -> byAmount.merge(b.amountFen(), 1, Integer::sum));
      return new ArrayList<>(last.stream().filter(b -> byAmount.get(b.amountFen()) >= 2).toList());
    }

    /** Every last bid in a run of three or more whose spread is within the percentage of its lowest. */
    private List<Bid> closeBids(List<Bid> last) {
      List<Bid> sorted = new ArrayList<>(last);
      sorted.sort(Comparator.comparingLong(Bid::amountFen).thenComparing(Bid::eventId));
      TreeMap<Integer, Bid> close = new TreeMap<>();
      int end = 0;
      for (int start = 0; start < sorted.size(); start++) {
        long lowest = sorted.get(start).amountFen();
        end = Math.max(end, start);
        while (end + 1 < sorted.size()
            && Percent.within(sorted.get(end + 1).amountFen() - lowest, lowest, closeBidsPercent)) {
          end++;
        }
        if (end - start >= 2) {
          for (int i = start; i <= end; i++) {
            close.put(i, sorted.get(i));
          }
        }
      }
      return new ArrayList<>(close.values());
    }

    private Alert lateBid(ProcurementEvent e, Opening o) {
      return Alerts.of(RuleId.PROCUREMENT_BID_RIGGING, VERSION, BID_AFTER_OPENING)
          .severity(Severity.RED)
          .unit(e.getUnitId())
          .subject(SubjectType.PROCUREMENT, e.getProcurementId())
          .discriminator(e.getEventId())
          .person(o.openerId())
          .amountFen(e.getAmountFen())
          .eventTime(e.getEventTime())
          .evidence(List.of(o.eventId(), e.getEventId()))
          .message("采购项目" + e.getProcurementId() + "开标后仍收到投标人" + e.getBidderId() + "的投标（报价"
              + Money.yuan(e.getAmountFen()) + "），开标后递交的投标文件应当拒收")
          .build();
    }

    @Override
    protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
      if (expiry.isDue(time, ctx.timerService())) {
        bids.clear();
        opening.clear();
      }
    }
  }
}
