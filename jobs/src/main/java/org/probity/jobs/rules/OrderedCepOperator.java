package org.probity.jobs.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.cep.EventComparator;
import org.apache.flink.cep.configuration.SharedBufferCacheConfig;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.ComputationState;
import org.apache.flink.cep.nfa.NFA;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferAccessor;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * A Flink CEP pattern (its compiled NFA and shared buffer, Flink's own) over a stream a {@link
 * SubjectStage} has put in event-time order already, each key's events in the order the stage judged
 * them, behind {@link RestampLateEvents} (so no timestamp goes back). Flink's {@code CepOperator} would
 * order them again: every event into a keyed map of waiting events with a timer at its instant, and
 * when the watermark passes, the map read, sorted and emptied. Here each event goes to the NFA when it
 * arrives: the time advanced to its instant, the event processed, the matches handed to the function,
 * exactly the steps {@code CepOperator} takes for it at the watermark. The only timer left is one per
 * key with partial matches: where its earliest leaves the pattern's window, pruned there if the key saw
 * no later event (an event prunes what it has outlived first, as in {@code CepOperator}).
 *
 * <p>The state is {@code CepOperator}'s, by the same names and serializers, so a savepoint of a release
 * that ran {@code CepOperator} under the same uid restores into this one: its NFA states, shared buffers
 * and window timers as they were; events it still held waiting (a late event restamped to the instant
 * after the watermark waits there for the next watermark) are fed to the NFA before the first later
 * event of their key, or at the watermark, in {@code CepOperator}'s order.
 */
public final class OrderedCepOperator<IN, KEY, OUT>
    extends AbstractUdfStreamOperator<OUT, PatternProcessFunction<IN, OUT>>
    implements OneInputStreamOperator<IN, OUT>, Triggerable<KEY, VoidNamespace> {
  private static final long serialVersionUID = 1L;
  // CepOperator's state names: a savepoint of it restores here.
  private static final String NFA_STATE_NAME = "nfaStateName";
  private static final String EVENT_QUEUE_STATE_NAME = "eventQueuesStateName";

  private final TypeSerializer<IN> inputSerializer;
  private final NFACompiler.NFAFactory<IN> nfaFactory;
  private final EventComparator<IN> comparator;
  private final AfterMatchSkipStrategy afterMatchSkipStrategy;

  private transient ValueState<NFAState> computationStates;
  private transient SharedBuffer<IN> partialMatches;
  /** Only what a savepoint of {@code CepOperator} left waiting; this operator adds nothing to it. */
  private transient MapState<Long, List<IN>> restoredQueue;
  /** The keys {@link #restoredQueue} still holds events of (found at restore, not itself kept). */
  private transient Set<KEY> keysWithRestoredEvents;
  private transient InternalTimerService<VoidNamespace> timerService;
  private transient NFA<IN> nfa;
  private transient TimestampedCollector<OUT> collector;
  private transient MatchContext context;
  /** Whether the NFA state of the current step was read from state (else it is the initial one). */
  private transient boolean nfaStored;

  /**
   * The operator of {@code pattern} as flink-cep's builder makes it (skip strategy from the pattern, no
   * timed-out matches), ties in event time ordered by {@code comparator} as in the stage before it.
   */
  public OrderedCepOperator(TypeSerializer<IN> inputSerializer, Pattern<IN, ?> pattern, EventComparator<IN> comparator,
      PatternProcessFunction<IN, OUT> function) {
    super(function);
    this.inputSerializer = inputSerializer;
    this.nfaFactory = NFACompiler.compileFactory(pattern, false);
    this.comparator = comparator;
    AfterMatchSkipStrategy skip = pattern.getAfterMatchSkipStrategy();
    this.afterMatchSkipStrategy = skip != null ? skip : AfterMatchSkipStrategy.noSkip();
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    computationStates = context.getKeyedStateStore()
        .getState(new ValueStateDescriptor<>(NFA_STATE_NAME, new NFAStateSerializer()));
    partialMatches = new SharedBuffer<>(context.getKeyedStateStore(), inputSerializer,
        SharedBufferCacheConfig.of(getOperatorConfig().getConfiguration()));
    restoredQueue = context.getKeyedStateStore().getMapState(new MapStateDescriptor<>(EVENT_QUEUE_STATE_NAME,
        LongSerializer.INSTANCE, new ListSerializer<>(inputSerializer)));
    keysWithRestoredEvents = new HashSet<>();
    if (context.isRestored()) {
      try (var keys = this.<KEY>getKeyedStateBackend().getKeys(EVENT_QUEUE_STATE_NAME, VoidNamespace.INSTANCE)) {
        keys.forEach(keysWithRestoredEvents::add);
      }
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    timerService = getInternalTimerService("watermark-callbacks", VoidNamespaceSerializer.INSTANCE, this);
    nfa = nfaFactory.createNFA();
    nfa.open(getRuntimeContext(), new Configuration());
    collector = new TimestampedCollector<>(output);
    context = new MatchContext();
  }

  @Override
  public void close() throws Exception {
    super.close();
    if (nfa != null) {
      nfa.close();
    }
    if (partialMatches != null) {
      partialMatches.releaseCacheStatisticsTimer();
    }
  }

  @Override
  public void processElement(StreamRecord<IN> record) throws Exception {
    long timestamp = record.getTimestamp();
    IN event = record.getValue();
    NFAState nfaState = nfaState();
    long pruneWas = pruneAt(nfaState);
    if (holdsRestoredEvents()) {
      feedRestored(nfaState, timestamp, event);
    }
    advanceTime(nfaState, timestamp);
    processEvent(nfaState, event, timestamp);
    if (onlyStart(nfaState)) {
      // Nothing refers to an event any more: the shared buffer's count of this instant goes too, as
      // CepOperator's advance to the watermark takes it (the key's next event may be of the same instant,
      // then counted afresh: no event of it is left to share an id with).
      advanceTime(nfaState, timestamp + 1);
    }
    long prune = pruneAt(nfaState);
    if (prune != pruneWas) {
      if (pruneWas != Long.MAX_VALUE) {
        timerService.deleteEventTimeTimer(VoidNamespace.INSTANCE, pruneWas);
      }
      if (prune != Long.MAX_VALUE) {
        timerService.registerEventTimeTimer(VoidNamespace.INSTANCE, prune);
      }
    }
    updateNfa(nfaState);
  }

  /**
   * When the key's earliest partial match leaves the pattern's window (from its first event), or never.
   * One timer per key, there: CepOperator keeps one per event that starts a match, each the window long,
   * also after the key's matches have ended.
   */
  private long pruneAt(NFAState nfaState) {
    long earliest = Long.MAX_VALUE;
    if (nfa.getWindowTime() > 0) {
      for (ComputationState match : nfaState.getPartialMatches()) {
        if (match.getStartEventID() != null) {
          earliest = Math.min(earliest, match.getStartTimestamp());
        }
      }
    }
    return earliest == Long.MAX_VALUE ? earliest : earliest + nfa.getWindowTime();
  }

  private static boolean onlyStart(NFAState nfaState) {
    return nfaState.getPartialMatches().size() == 1 && nfaState.getCompletedMatches().isEmpty();
  }

  /** A window end of the key's partial matches (or, after a restore, an instant of its waiting events). */
  @Override
  public void onEventTime(InternalTimer<KEY, VoidNamespace> timer) throws Exception {
    NFAState nfaState = nfaState();
    long watermark = timerService.currentWatermark();
    if (holdsRestoredEvents()) {
      feedRestored(nfaState, watermark, null);
    }
    advanceTime(nfaState, watermark);
    long prune = pruneAt(nfaState);
    if (prune != Long.MAX_VALUE) {
      timerService.registerEventTimeTimer(VoidNamespace.INSTANCE, prune);
    }
    updateNfa(nfaState);
  }

  @Override
  public void onProcessingTime(InternalTimer<KEY, VoidNamespace> timer) {}

  /** Whether the current key still has events a savepoint of {@code CepOperator} left waiting. */
  private boolean holdsRestoredEvents() {
    return !keysWithRestoredEvents.isEmpty() && keysWithRestoredEvents.contains(getCurrentKey());
  }

  /**
   * The key's restored waiting events up to {@code timestamp}, before {@code next} (at that instant) if
   * given, in {@code CepOperator}'s order: by instant, then by the comparator.
   */
  private void feedRestored(NFAState nfaState, long timestamp, IN next) throws Exception {
    List<Long> instants = new ArrayList<>();
    for (Iterator<Long> it = restoredQueue.keys().iterator(); it.hasNext(); ) {
      long t = it.next();
      if (t <= timestamp) {
        instants.add(t);
      }
    }
    instants.sort(null);
    for (long t : instants) {
      List<IN> now = new ArrayList<>();
      List<IN> later = new ArrayList<>();
      for (IN e : restoredQueue.get(t)) {
        (next != null && t == timestamp && comparator.compare(e, next) > 0 ? later : now).add(e);
      }
      now.sort(comparator::compare);
      advanceTime(nfaState, t);
      for (IN e : now) {
        processEvent(nfaState, e, t);
      }
      if (later.isEmpty()) {
        restoredQueue.remove(t);
      } else {
        restoredQueue.put(t, later);
      }
    }
    if (restoredQueue.isEmpty()) {
      keysWithRestoredEvents.remove(getCurrentKey());
    }
  }

  private NFAState nfaState() throws Exception {
    NFAState s = computationStates.value();
    nfaStored = s != null;
    return nfaStored ? s : nfa.createInitialNFAState();
  }

  private void updateNfa(NFAState nfaState) throws Exception {
    // As CepOperator does after each of its timers: with only the start state left, the key's NFA goes.
    if (onlyStart(nfaState)) {
      if (nfaStored) {
        computationStates.clear();
      }
    } else if (nfaState.isStateChanged()) {
      nfaState.resetStateChanged();
      nfaState.resetNewStartPartialMatch();
      computationStates.update(nfaState);
    }
  }

  private void processEvent(NFAState nfaState, IN event, long timestamp) throws Exception {
    try (SharedBufferAccessor<IN> accessor = partialMatches.getAccessor()) {
      emit(nfa.process(accessor, nfaState, event, timestamp, afterMatchSkipStrategy,
          timerService::currentProcessingTime), timestamp);
    }
  }

  private void advanceTime(NFAState nfaState, long timestamp) throws Exception {
    try (SharedBufferAccessor<IN> accessor = partialMatches.getAccessor()) {
      Tuple2<Collection<Map<String, List<IN>>>, Collection<Tuple2<Map<String, List<IN>>, Long>>> pendingAndTimedOut =
          nfa.advanceTime(accessor, nfaState, timestamp, afterMatchSkipStrategy);
      // Timed-out partial matches are dropped: no rule here handles them (CepOperator drops them too
      // unless its function is a TimedOutPartialMatchHandler).
      emit(pendingAndTimedOut.f0, timestamp);
    }
  }

  private void emit(Collection<Map<String, List<IN>>> matches, long timestamp) throws Exception {
    if (matches.isEmpty()) {
      return;
    }
    collector.setAbsoluteTimestamp(timestamp);
    context.timestamp = timestamp;
    for (Map<String, List<IN>> match : matches) {
      getUserFunction().processMatch(match, context, collector);
    }
  }

  private final class MatchContext implements PatternProcessFunction.Context {
    private long timestamp;

    @Override
    public <X> void output(OutputTag<X> outputTag, X value) {
      output.collect(outputTag, new StreamRecord<>(value, timestamp));
    }

    @Override
    public long timestamp() {
      return timestamp;
    }

    @Override
    public long currentProcessingTime() {
      return timerService.currentProcessingTime();
    }
  }
}
