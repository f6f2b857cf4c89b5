package org.probity.jobs.rules;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.events.EventBuilder;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.traces.SpanBuilder;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.versions.RulesHistory;
import org.probity.schema.Alert;
import org.probity.schema.DeadLetter;
import org.probity.schema.RulesVersion;
import org.probity.schema.codec.SingleObjectCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One keyed operator for all the rules of one subject (a case, a voucher, a procurement, a meeting;
 * or a second key such as unit × supplier): the events of a subject reach it once, over one network
 * exchange, and every rule of the subject judges them there ({@link SubjectRule}).
 *
 * <ul>
 *   <li><b>De-duplication in the subject</b> (contract: "a repeated eventId is the same event and is
 *       ignored"; a repeat is the same event, so it has the same subject): the subject keeps, per
 *       event it has seen, two longs — its eventId's hash and its content's ({@link ContentHash}).
 *       A repeat with the same content is counted ({@code duplicateEvents}) and dropped; one with
 *       other content is counted ({@code conflictingDuplicates}) and leaves as a dead letter naming
 *       both hashes ({@link #CONFLICTS}); the first version to arrive stands. A repeat of a waiting
 *       event is known at its arrival (the waiting events are indexed by subject and eventId hash),
 *       a repeat of a judged one when it is judged: the subject's value is read once per event,
 *       not at arrival and again when judged. The ids go with the subject:
 *       {@code dedupRetention} after its last event, by one timer per subject, re-armed lazily.
 *   <li><b>Event-time order without a timer per event.</b> Events of one subject arrive in any
 *       order; rules on a sequence must see them in event-time order. Waiting events are held by
 *       the operator, not per key: a buffer sorted by (time, eventId, arrival), flushed as the
 *       watermark passes — before the events of instant t, the rules' timers before t fire; the
 *       rules' timers at t fire after them. The buffer is checkpointed as (redistributable) union
 *       operator state: after a rescale each subtask keeps the events of its own key groups. An
 *       event behind the watermark (later than the bound) is judged at once and counted
 *       ({@code lateEvents}); an event restamped upstream to a later instant (a replay's late
 *       event) waits for that instant and is judged with its own time, like a late one.
 *   <li><b>One timer per subject.</b> Each rule asks for its own deadlines (a step of a ladder, its
 *       state's expiry) and sees only its own; the stage folds them, and the subject's
 *       de-duplication expiry, into one sorted list per subject with one Flink timer at its first.
 * </ul>
 *
 * <p><b>One value per subject.</b> The seen events, the deadlines and the rules' value states are
 * one keyed value ({@link SubjectState}), read at the first use in a step (an event arriving, an
 * event judged, a timer) and written at the step's end.
 *
 * <p>A <em>prelude</em> may come first: it sees each event and hands the rules what they judge (the
 * voucher's facts filled in, or nothing for a re-sent event of an ended subject). <em>Feeds</em>
 * hand events to stages with another key (split purchases, duplicate payments) by side outputs,
 * only the events those need.
 */
public final class SubjectStage<E extends SpecificRecordBase, OUT> extends AbstractStreamOperator<OUT>
    implements OneInputStreamOperator<E, OUT>, TwoInputStreamOperator<E, RulesVersion, OUT>,
    Triggerable<String, Integer> {
  private static final long serialVersionUID = 1L;
  /** Conflicting duplicates, as dead letters. */
  public static final OutputTag<DeadLetter> CONFLICTS = new OutputTag<>("conflicting-duplicates") {};
  public static final String DUPLICATES = "duplicateEvents";
  public static final String CONFLICTING = "conflictingDuplicates";
  public static final String LATE_EVENTS = "lateEvents";
  public static final String OPEN_SUBJECTS = "openSubjects";
  /** The name of the stage's one keyed value per subject. */
  public static final String SUBJECT_STATE = "subject";
  private static final int DEDUP_NAMESPACE = -1;
  /** The namespace of the subject's one Flink timer. */
  private static final int SUBJECT_TIMER = 0;
  private static final int PRELUDE_NAMESPACE = -2;
  public static final String LATE_RULES_VERSIONS = "lateRulesVersions";
  private static final Logger LOG = LoggerFactory.getLogger(SubjectStage.class);
  /** The versions of the rules a stage has taken, for every subtask alike (broadcast state). */
  static final MapStateDescriptor<Integer, RulesVersion> VERSIONS = org.probity.jobs.versions.RulesAt.VERSIONS;

  /** How a stage's rules are built from one version of the rules (the same code, another config). */
  @FunctionalInterface
  public interface Rebuild<E extends SpecificRecordBase, OUT> extends java.io.Serializable {
    Builder<E, OUT> rules(ProbityConfig config);
  }

  /** A rule handing events to another stage, by a side output. */
  public record Feed<E, X>(OutputTag<X> tag, SubjectRule<E, X> rule) implements java.io.Serializable {}

  /** De-duplication by eventId within the subject; {@code sourceTopic} is named in its dead letters. */
  public record Dedup(long retentionMillis, String sourceTopic) implements java.io.Serializable {}

  private final Class<E> type;
  private final Dedup dedup;
  private final SubjectRule<E, E> prelude;
  private final List<SubjectRule<E, OUT>> rules;
  private final List<Feed<E, ?>> feeds;
  /** The rules versions known when the job was built, and how to build this stage's rules for another; null: one version. */
  private final RulesHistory history;
  private final Rebuild<E, OUT> rebuild;

  private transient InternalTimerService<Integer> timers;
  /** The stage's rules per version, in the order of their effectiveFrom; the first judges everything before the second. */
  private transient List<Parts<E, OUT>> versions;
  private transient RulesHistory known;
  private transient org.apache.flink.api.common.state.BroadcastState<Integer, RulesVersion> versionState;
  /** Up to which instant the stage has woken its subjects for the versions that take effect (per subtask). */
  private transient ListState<Long> switchedState;
  private transient long switchedThrough;
  private transient boolean anyRuleWakes;
  private transient Counter lateVersions;
  /** The version whose rules are judging now, stamped on their alerts. */
  private transient Parts<E, OUT> judging;
  private transient PendingEvents<E> pending;
  /** Waiting events already de-duplicated: by an earlier release, which did it at arrival, or none (a stage without). */
  private transient ListState<Tuple2<Long, E>> pendingState;
  /** Waiting events not yet de-duplicated against their subjects' seen events: that is done when each is judged. */
  private transient ListState<Tuple2<Long, E>> unseenState;
  /** Each subject's state in one value ({@link SubjectState}): seen events, deadlines, the rules' value states. */
  private transient ValueState<SubjectState> subjects;
  private transient SubjectState.Layout layout;
  /** The rules' value states as slots of the subject's one value, by state name. */
  private transient Map<String, Slot<?>> slots;
  private transient List<String> slotNames;
  private transient List<TypeSerializer<?>> slotSerializers;
  /** The current subject's state, read at its first use in a step (an event, a timer) and written at the step's end. */
  private transient SubjectState subject;
  private transient boolean subjectChanged;
  private transient boolean subjectStored;
  /** On the heap the value read is the stored object itself (copied on write while a snapshot holds it): no write back. */
  private transient boolean changedInPlace;
  private transient Counter duplicates;
  private transient Counter conflicting;
  private transient Counter lateEvents;
  private transient long openSubjects;
  private transient SingleObjectCodec<E> codec;
  /** The instant the records now emitted carry: the event's (buffered) instant or the timer's. */
  private transient long emitAt;
  private transient StreamRecord<OUT> reuse;
  /** Where the event type keeps its eventId and eventTime, looked up once, not by name per event. */
  private transient int eventIdField;
  private transient int eventTimeField;
  private transient RuleContext preludeContext;
  private transient List<RuleContext> ruleContexts;
  private transient List<RuleContext> feedContexts;
  private transient Collector<OUT> out;
  private transient Collector<E> preludeOut;
  private transient Collector<?>[] feedOuts;
  /** The metric group every rule of every version registers in. */
  private transient MetricGroup shared;

  private SubjectStage(Class<E> type, Dedup dedup, SubjectRule<E, E> prelude, List<SubjectRule<E, OUT>> rules,
      List<Feed<E, ?>> feeds, RulesHistory history, Rebuild<E, OUT> rebuild) {
    this.type = type;
    this.dedup = dedup;
    this.prelude = prelude;
    this.rules = List.copyOf(rules);
    this.feeds = List.copyOf(feeds);
    this.history = history;
    this.rebuild = rebuild;
  }

  /** One version's instances of the stage's rules (the same rules, built from that version's config). */
  private record Parts<E, OUT>(int version, long from, SubjectRule<E, E> prelude, List<SubjectRule<E, OUT>> rules,
      List<Feed<E, ?>> feeds) {}

  public static <E extends SpecificRecordBase, OUT> Builder<E, OUT> of(Class<E> type) {
    return new Builder<>(type);
  }

  /** The stage's parts, in the order they judge each event. */
  public static final class Builder<E extends SpecificRecordBase, OUT> {
    private final Class<E> type;
    private Dedup dedup;
    private SubjectRule<E, E> prelude;
    private final List<SubjectRule<E, OUT>> rules = new ArrayList<>();
    private final List<Feed<E, ?>> feeds = new ArrayList<>();
    private RulesHistory history;
    private Rebuild<E, OUT> rebuild;

    private Builder(Class<E> type) {
      this.type = type;
    }

    /**
     * Rules that change at runtime: the stage judges each instant by the version of {@code history}
     * in force then (and by versions arriving on its second input, the rules topic), building each
     * version's rules with {@code rebuild}; this builder's rules are version 1's.
     */
    public Builder<E, OUT> versioned(RulesHistory history, Rebuild<E, OUT> rebuild) {
      this.history = history;
      this.rebuild = rebuild;
      return this;
    }

    public Builder<E, OUT> deduplicate(long retentionMillis, String sourceTopic) {
      this.dedup = new Dedup(retentionMillis, sourceTopic);
      return this;
    }

    public Builder<E, OUT> prelude(SubjectRule<E, E> prelude) {
      this.prelude = prelude;
      return this;
    }

    public Builder<E, OUT> rule(SubjectRule<E, OUT> rule) {
      rules.add(rule);
      return this;
    }

    public <X> Builder<E, OUT> feed(OutputTag<X> tag, SubjectRule<E, X> rule) {
      feeds.add(new Feed<>(tag, rule));
      return this;
    }

    public boolean isEmpty() {
      return rules.isEmpty() && feeds.isEmpty();
    }

    public SubjectStage<E, OUT> build() {
      return new SubjectStage<>(type, dedup, prelude, rules, feeds, history, rebuild);
    }
  }

  /**
   * The layout before one value per subject (release 2026-12-06 and earlier): what the subject had
   * seen, in a state of its own. Read once, at the restore of such a savepoint, into {@link SubjectState}.
   */
  public static final class SeenEvents {
    /** Pairs (eventId hash, content hash). */
    public long[] events = new long[0];
    public long expiresAt;
    public long timerAt;

    public SeenEvents() {}

  }

  // ---------------------------------------------------------------------------------------------
  // State

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    var schema = org.apache.avro.specific.SpecificData.get().getSchema(type);
    eventIdField = schema.getField("eventId").pos();
    eventTimeField = schema.getField("eventTime").pos();
    pending = new PendingEvents<>();
    pendingState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("pending-events",
        new TupleTypeInfo<>(Types.LONG, TypeInformation.of(type))));
    unseenState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(
        "pending-events-unseen", new TupleTypeInfo<>(Types.LONG, TypeInformation.of(type))));
    versionState = context.getOperatorStateStore().getBroadcastState(VERSIONS);
    switchedState = context.getOperatorStateStore().getUnionListState(
        new ListStateDescriptor<>("rules-switched-through", Types.LONG));
    switchedThrough = Long.MIN_VALUE;
    if (context.isRestored()) {
      // Each subtask's own mark; after a rescale the lowest (waking a subject twice for a version is harmless).
      long lowest = Long.MAX_VALUE;
      for (Long mark : switchedState.get()) {
        lowest = Math.min(lowest, mark);
      }
      switchedThrough = lowest == Long.MAX_VALUE ? Long.MIN_VALUE : lowest;
    }
    if (context.isRestored()) {
      @SuppressWarnings("unchecked")
      KeySelector<E, String> keys = (KeySelector<E, String>) getStateKeySelector1();
      var task = getRuntimeContext().getTaskInfo();
      for (boolean seen : new boolean[] {true, false}) {
        for (Tuple2<Long, E> p : (seen ? pendingState : unseenState).get()) {
          String key = keys.getKey(p.f1);
          if (KeyGroupRangeAssignment.assignKeyToParallelOperator(key, task.getMaxNumberOfParallelSubtasks(),
              task.getNumberOfParallelSubtasks()) == task.getIndexOfThisSubtask()) {
            restoreWaiting(p.f0, key, p.f1, eventId(p.f1), seen);
          }
        }
      }
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    endStep();
    super.snapshotState(context);
    pendingState.update(pending.snapshot(true));
    unseenState.update(pending.snapshot(false));
    switchedState.update(List.of(switchedThrough));
  }

  @Override
  public void open() throws Exception {
    super.open();
    timers = getInternalTimerService("subject-rules", IntSerializer.INSTANCE, this);
    slots = new HashMap<>();
    slotNames = new ArrayList<>();
    slotSerializers = new ArrayList<>();
    lateEvents = getMetricGroup().counter(LATE_EVENTS);
    reuse = new StreamRecord<>(null);
    out = new Collector<>() {
      @Override
      public void collect(OUT record) {
        if (history != null && record instanceof Alert alert) {
          alert.setRulesVersion(judging.version());
        }
        output.collect(reuse.replace(record, emitAt));
      }

      @Override
      public void close() {}
    };
    MetricGroup shared = new SharedCounters(getMetricGroup());
    if (dedup != null) {
      duplicates = getMetricGroup().counter(DUPLICATES);
      conflicting = getMetricGroup().counter(CONFLICTING);
      codec = SingleObjectCodec.of(type);
      getMetricGroup().gauge(OPEN_SUBJECTS, (Gauge<Long>) () -> openSubjects);
    }
    // The rules topic's input never holds the subjects' event time back, nor moves it: idle for good.
    combinedWatermark.updateStatus(1, true);
    lateVersions = getMetricGroup().counter(LATE_RULES_VERSIONS);
    this.shared = shared;
    known = history;
    if (history != null) {
      List<RulesVersion> restored = new ArrayList<>();
      versionState.immutableEntries().forEach(e -> restored.add(e.getValue()));
      restored.sort(Comparator.comparingInt(RulesVersion::getVersion));
      for (RulesVersion v : restored) {
        take(v);
      }
    }
    versions = new ArrayList<>();
    versions.add(new Parts<>(1, Long.MIN_VALUE, prelude, rules, feeds));
    if (known != null) {
      for (RulesHistory.Version v : known.versions().subList(1, known.versions().size())) {
        Parts<E, OUT> parts = build(v);
        if (parts != null) {
          versions.add(parts);
        }
      }
    }
    if (prelude != null) {
      preludeContext = new RuleContext(PRELUDE_NAMESPACE);
      preludeOut = new Collector<>() {
        @Override
        public void collect(E event) {
          try {
            dispatch(event, preludeContext.timestamp);
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }

        @Override
        public void close() {}
      };
    }
    ruleContexts = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      ruleContexts.add(new RuleContext(i));
    }
    feedContexts = new ArrayList<>();
    feedOuts = new Collector<?>[feeds.size()];
    for (int i = 0; i < feeds.size(); i++) {
      feedContexts.add(new RuleContext(rules.size() + i));
      feeds.get(i).rule().open(new Runtime(feeds.get(i).rule(), shared));
      feedOuts[i] = sideOutput(feeds.get(i).tag());
    }
    for (Parts<E, OUT> parts : versions) {
      openRules(parts);
    }
    judging = versions.get(0);
    // Every rule of every version known has asked for its value states: they are the subject's slots.
    var serializer = new SubjectState.Serializer(slotNames, slotSerializers);
    layout = serializer.layout();
    subjects = getPartitionedState(new ValueStateDescriptor<>(SUBJECT_STATE, serializer));
    changedInPlace = getKeyedStateBackend() instanceof HeapKeyedStateBackend;
    migrateSeparateStates();
    try (var keys = getKeyedStateBackend().getKeys(SUBJECT_STATE, VoidNamespace.INSTANCE)) {
      openSubjects = keys.count();
    }
  }

  /**
   * A savepoint of the layout before one value per subject keeps the seen events, the deadlines and
   * each rule's value state in states of their own: each subject's are moved into its one value.
   */
  private void migrateSeparateStates() throws Exception {
    List<String> old = new ArrayList<>(slotNames);
    old.add("seen-events");
    old.add("rule-deadlines");
    Set<Object> keys = new LinkedHashSet<>();
    for (String name : old) {
      try (var stream = getKeyedStateBackend().getKeys(name, VoidNamespace.INSTANCE)) {
        stream.forEach(keys::add);
      }
    }
    if (keys.isEmpty()) {
      return;
    }
    ValueState<SeenEvents> oldSeen = getPartitionedState(new ValueStateDescriptor<>("seen-events", SeenEvents.class));
    ValueState<long[]> oldDeadlines = getPartitionedState(new ValueStateDescriptor<>("rule-deadlines",
        org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    List<ValueState<Object>> oldSlots = new ArrayList<>();
    for (int i = 0; i < slotNames.size(); i++) {
      @SuppressWarnings("unchecked")
      var serializer = (TypeSerializer<Object>) slotSerializers.get(i);
      oldSlots.add(getPartitionedState(new ValueStateDescriptor<>(slotNames.get(i), serializer)));
    }
    for (Object key : keys) {
      setCurrentKey(key);
      SubjectState s = subject();
      SeenEvents seen = oldSeen.value();
      if (seen != null) {
        s.seen = seen.events;
        s.seenExpiresAt = seen.expiresAt;
        s.seenTimerAt = seen.timerAt;
        oldSeen.clear();
      }
      s.deadlines = oldDeadlines.value();
      oldDeadlines.clear();
      for (int i = 0; i < oldSlots.size(); i++) {
        s.values[i] = oldSlots.get(i).value();
        oldSlots.get(i).clear();
      }
      subjectChanged = true;
      endStep();
    }
    LOG.info("{}: the state of {} subjects moved from separate states into one value each", getOperatorName(),
        keys.size());
  }

  // ---------------------------------------------------------------------------------------------
  // The subject's one value

  /** The current subject's state: read at its first use in this step. */
  private SubjectState subject() throws IOException {
    if (subject == null) {
      SubjectState stored = subjects.value();
      subjectStored = stored != null;
      if (stored == null) {
        subject = new SubjectState(layout);
      } else {
        subject = stored.in(layout);
        if (subject != stored) {
          subjectChanged = true;
          subjectStored = false;
        }
      }
    }
    return subject;
  }

  /** The end of a step for the current subject (an event judged, a timer fired): its state written if it changed. */
  private void endStep() throws IOException {
    if (subject == null) {
      return;
    }
    if (subjectChanged) {
      if (subject.isEmpty()) {
        if (subjectStored) {
          subjects.clear();
          openSubjects--;
        }
      } else if (!subjectStored || !changedInPlace) {
        subjects.update(subject);
        if (!subjectStored) {
          openSubjects++;
        }
      }
    }
    subject = null;
    subjectChanged = false;
  }

  /** A step never spans two subjects: whatever switches the key (Flink's timers, a record) ends the step. */
  @Override
  public void setCurrentKey(Object key) {
    if (subject != null) {
      try {
        endStep();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    super.setCurrentKey(key);
  }

  /** A rule's value state: a slot of the subject's one value. */
  private final class Slot<T> implements ValueState<T> {
    private final int index;

    Slot(int index) {
      this.index = index;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T value() throws IOException {
      return (T) subject().values[index];
    }

    @Override
    public void update(T value) throws IOException {
      subject().values[index] = value;
      subjectChanged = true;
    }

    @Override
    public void clear() {
      try {
        update(null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void openRules(Parts<E, OUT> parts) throws Exception {
    if (parts.prelude() != null) {
      parts.prelude().open(new Runtime(parts.prelude(), shared));
    }
    for (SubjectRule<E, OUT> rule : parts.rules()) {
      rule.open(new Runtime(rule, shared));
    }
    if (parts != versions.get(0)) {
      for (Feed<E, ?> feed : parts.feeds()) {
        feed.rule().open(new Runtime(feed.rule(), shared));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rules versions

  /** Takes a version into the known history; false if it is already known or cannot be applied (logged). */
  private boolean take(RulesVersion v) {
    RulesHistory before = known;
    // The job's rules gate dead-letters what it refuses; a stage never sees that here.
    known = known.taking(v, why -> LOG.error("{}: rules version {} not applied: {}", getOperatorName(),
        v.getVersion(), why));
    return known != before;
  }

  /** This stage's rules for version {@code v}; null (logged) if they are not the same rules in the same order. */
  private Parts<E, OUT> build(RulesHistory.Version v) {
    Builder<E, OUT> b = rebuild.rules(v.config());
    boolean same = b.rules.size() == rules.size() && b.feeds.size() == feeds.size()
        && (b.prelude == null) == (prelude == null);
    for (int i = 0; same && i < rules.size(); i++) {
      same = b.rules.get(i).stateName().equals(rules.get(i).stateName());
    }
    if (!same) {
      LOG.error("{}: rules version {} builds other rules than the job started with; not applied",
          getOperatorName(), v.version());
      return null;
    }
    return new Parts<>(v.version(), v.effectiveFrom(), b.prelude, b.rules, b.feeds);
  }

  /** The stage's rules in force at instant {@code t}. */
  private Parts<E, OUT> partsAt(long t) {
    for (int i = versions.size() - 1; i > 0; i--) {
      if (versions.get(i).from() <= t) {
        return versions.get(i);
      }
    }
    return versions.get(0);
  }

  /** The instant of the next version to take effect after {@code after}, or MAX_VALUE. */
  private long nextSwitchAfter(long after) {
    for (Parts<E, OUT> p : versions) {
      if (p.from() > after) {
        return p.from();
      }
    }
    return Long.MAX_VALUE;
  }

  /** A version from the rules topic (every subtask gets every version). */
  @Override
  public void processElement2(StreamRecord<RulesVersion> record) throws Exception {
    RulesVersion v = record.getValue();
    if (known == null || !take(v)) {
      return;
    }
    versionState.put(v.getVersion(), v);
    Parts<E, OUT> parts = build(known.latest());
    if (parts == null) {
      return;
    }
    try {
      openRules(parts);
    } catch (IllegalStateException e) {
      LOG.error("{}: rules version {} not applied: {}", getOperatorName(), v.getVersion(), e.getMessage());
      return;
    }
    versions.add(parts);
    long watermark = timers.currentWatermark();
    LOG.info("{}: rules version {} judges from {}", getOperatorName(), v.getVersion(), v.getEffectiveFrom());
    if (parts.from() <= watermark) {
      // Published after its instant had passed here: what was judged stays judged; from now on it holds.
      lateVersions.inc();
      LOG.warn("{}: rules version {} arrived after its effectiveFrom {} had passed (watermark {}); it judges"
          + " from now on", getOperatorName(), v.getVersion(), v.getEffectiveFrom(), Instant.ofEpochMilli(watermark));
      wake(parts, watermark + 1);
      switchedThrough = Math.max(switchedThrough, parts.from());
    }
  }

  /**
   * The version {@code parts} takes effect at {@code at}: every subject with a deadline is woken so
   * its rules re-judge it by the new version (a deadline the version moves, a ladder it changes).
   */
  private void wake(Parts<E, OUT> parts, long at) throws Exception {
    judging = parts;
    emitAt = at;
    forEachSubject(s -> {
      if (s.deadlines != null) {
        for (int i = 0; i < parts.rules().size(); i++) {
          RuleContext ctx = ruleContexts.get(i);
          ctx.timestamp = at;
          parts.rules().get(i).onRulesChanged(at, ctx, out);
        }
      }
    });
  }

  @Override
  public void processElement1(StreamRecord<E> record) throws Exception {
    processElement(record);
  }

  /** The rules topic's input carries no event time: its watermarks and idleness are not the subjects'. */
  @Override
  public void processWatermark2(Watermark mark) {}

  @Override
  protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
    if (index == 0) {
      super.processWatermarkStatus(status, index);
    }
  }

  private <X> Collector<X> sideOutput(OutputTag<X> tag) {
    return new Collector<>() {
      @Override
      public void collect(X record) {
        output.collect(tag, new StreamRecord<>(record, emitAt));
      }

      @Override
      public void close() {}
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Events, watermarks, timers

  @Override
  public void processElement(StreamRecord<E> record) throws Exception {
    E event = record.getValue();
    long at = record.getTimestamp();
    String eventId = eventId(event);
    String key = (String) getCurrentKey();
    // A repeat of a waiting event is known here; one of a judged event when it is judged (its subject read once).
    long idHash = dedup == null ? 0 : ContentHash.of(eventId);
    long content = dedup == null ? 0 : ContentHash.of(event);
    PendingEvents.Pending<E> first = dedup == null ? null : pending.waiting(key, idHash);
    if (first != null) {
      repeat(eventId, event, first.content(), content, at);
    } else if (at > timers.currentWatermark()) {
      pending.add(at, key, event, eventId, idHash, content, dedup == null);
    } else if (dedup == null || firstSight(event, eventId, idHash, content, at)) {
      lateEvents.inc();
      judge(event, at);
    }
    endStep();
  }

  /** A restored waiting event, de-duplicated already ({@code seen}: by a release that did it at arrival) or not. */
  private void restoreWaiting(long at, String key, E event, String eventId, boolean seen) {
    boolean done = seen || dedup == null;
    pending.add(at, key, event, eventId, done ? 0 : ContentHash.of(eventId), done ? 0 : ContentHash.of(event), done);
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    long watermark = mark.getTimestamp();
    while (true) {
      long nextEvent = pending.isEmpty() ? Long.MAX_VALUE : pending.nextAt();
      long nextSwitch = nextSwitchAfter(switchedThrough);
      long t = Math.min(nextEvent, nextSwitch);
      if (t > watermark || t == Long.MAX_VALUE) {
        break;
      }
      advanceTimers(t - 1);
      if (t == nextSwitch) {
        // Before the events of its instant: a version judges from its effectiveFrom on.
        wake(partsAt(t), t);
        switchedThrough = t;
      }
      while (!pending.isEmpty() && pending.nextAt() == t) {
        PendingEvents.Pending<E> p = pending.poll();
        setCurrentKey(p.key());
        if (p.seen() || firstSight(p.event(), p.eventId(), p.idHash(), p.content(), t)) {
          judge(p.event(), t);
        }
        endStep();
      }
    }
    super.processWatermark(mark);
  }

  private void advanceTimers(long time) throws Exception {
    if (time > timers.currentWatermark()) {
      getTimeServiceManager().orElseThrow().advanceWatermark(new Watermark(time));
    }
  }

  /** Every rule judges the event at instant {@code at}; its own time if it was restamped later. */
  private void judge(E event, long at) throws Exception {
    long own = eventTime(event);
    long t = own < at ? own : at;
    emitAt = at;
    judging = partsAt(t);
    if (judging.prelude() != null) {
      preludeContext.timestamp = t;
      judging.prelude().processInOrder(event, preludeContext, preludeOut);
    } else {
      dispatch(event, t);
    }
  }

  @SuppressWarnings("unchecked")
  private void dispatch(E event, long t) throws Exception {
    List<SubjectRule<E, OUT>> rules = judging.rules();
    for (int i = 0; i < rules.size(); i++) {
      RuleContext ctx = ruleContexts.get(i);
      ctx.timestamp = t;
      rules.get(i).processInOrder(event, ctx, out);
    }
    List<Feed<E, ?>> feeds = judging.feeds();
    for (int i = 0; i < feeds.size(); i++) {
      RuleContext ctx = feedContexts.get(i);
      ctx.timestamp = t;
      ((SubjectRule<E, Object>) feeds.get(i).rule()).processInOrder(event, ctx, (Collector<Object>) feedOuts[i]);
    }
  }

  /** The subject's one timer: every deadline of its rules that fell due by {@code timer}, in order. */
  @Override
  public void onEventTime(InternalTimer<String, Integer> timer) throws Exception {
    onDeadlines(timer.getTimestamp());
    endStep();
  }

  private void onDeadlines(long time) throws Exception {
    SubjectState s = subject();
    long[] due = s.deadlines;
    if (due == null) {
      return;
    }
    int n = 0;
    while (n < due.length && due[n] <= time) {
      n += 2;
    }
    if (n == 0) {
      return;
    }
    long[] rest = Arrays.copyOfRange(due, n, due.length);
    s.deadlines = rest.length == 0 ? null : rest;
    subjectChanged = true;
    if (rest.length > 0) {
      timers.registerEventTimeTimer(SUBJECT_TIMER, rest[0]);
    }
    // The rules' state is consistent before they run: a deadline one of them sets now is kept.
    for (int i = 0; i < n; i += 2) {
      fire(due[i], (int) due[i + 1]);
    }
  }

  @SuppressWarnings("unchecked")
  private void fire(long time, int namespace) throws Exception {
    emitAt = time;
    judging = partsAt(time);
    if (namespace == DEDUP_NAMESPACE) {
      expire(time);
    } else if (namespace == PRELUDE_NAMESPACE) {
      preludeContext.timestamp = time;
      judging.prelude().onTime(time, preludeContext, preludeOut);
    } else if (namespace < rules.size()) {
      RuleContext ctx = ruleContexts.get(namespace);
      ctx.timestamp = time;
      judging.rules().get(namespace).onTime(time, ctx, out);
    } else {
      int i = namespace - rules.size();
      RuleContext ctx = feedContexts.get(i);
      ctx.timestamp = time;
      ((SubjectRule<E, Object>) judging.feeds().get(i).rule()).onTime(time, ctx, (Collector<Object>) feedOuts[i]);
    }
  }

  @Override
  public void onProcessingTime(InternalTimer<String, Integer> timer) {}

  // ---------------------------------------------------------------------------------------------
  // Deadlines: every rule's timers folded into one Flink timer per subject

  /** A deadline of rule {@code namespace} at {@code time} (again at the same instant: once). */
  private void schedule(int namespace, long time) throws Exception {
    SubjectState s = subject();
    long[] d = s.deadlines;
    if (d == null) {
      s.deadlines = new long[] {time, namespace};
      subjectChanged = true;
      timers.registerEventTimeTimer(SUBJECT_TIMER, time);
      return;
    }
    int i = 0;
    while (i < d.length && (d[i] < time || (d[i] == time && d[i + 1] < namespace))) {
      i += 2;
    }
    if (i < d.length && d[i] == time && d[i + 1] == namespace) {
      return;
    }
    long[] more = new long[d.length + 2];
    System.arraycopy(d, 0, more, 0, i);
    more[i] = time;
    more[i + 1] = namespace;
    System.arraycopy(d, i, more, i + 2, d.length - i);
    s.deadlines = more;
    subjectChanged = true;
    if (time < d[0]) {
      timers.deleteEventTimeTimer(SUBJECT_TIMER, d[0]);
      timers.registerEventTimeTimer(SUBJECT_TIMER, time);
    }
  }

  private void unschedule(int namespace, long time) throws Exception {
    SubjectState s = subject();
    long[] d = s.deadlines;
    if (d == null) {
      return;
    }
    for (int i = 0; i < d.length; i += 2) {
      if (d[i] == time && d[i + 1] == namespace) {
        long[] less = new long[d.length - 2];
        System.arraycopy(d, 0, less, 0, i);
        System.arraycopy(d, i + 2, less, i, d.length - i - 2);
        subjectChanged = true;
        if (less.length == 0) {
          s.deadlines = null;
          timers.deleteEventTimeTimer(SUBJECT_TIMER, time);
        } else {
          s.deadlines = less;
          if (less[0] != d[0]) {
            timers.deleteEventTimeTimer(SUBJECT_TIMER, d[0]);
            timers.registerEventTimeTimer(SUBJECT_TIMER, less[0]);
          }
        }
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // De-duplication

  /** Whether the event is new to its subject (then it is among its seen events), else a repeat counted. */
  private boolean firstSight(E event, String eventId, long idHash, long content, long at) throws Exception {
    SubjectState s = subject();
    if (s.seen == null) {
      s.seen = new long[0];
      s.seenExpiresAt = at + dedup.retentionMillis();
      s.seenTimerAt = s.seenExpiresAt;
      schedule(DEDUP_NAMESPACE, s.seenTimerAt);
    } else {
      int i = indexOf(s.seen, idHash);
      if (i >= 0) {
        repeat(eventId, event, s.seen[i + 1], content, at);
        return false;
      }
      s.seenExpiresAt = Math.max(s.seenExpiresAt, at + dedup.retentionMillis());
    }
    long[] more = Arrays.copyOf(s.seen, s.seen.length + 2);
    more[s.seen.length] = idHash;
    more[s.seen.length + 1] = content;
    s.seen = more;
    subjectChanged = true;
    return true;
  }

  /** A repeat of an event first seen with content hash {@code first}: dropped, a dead letter if its content differs. */
  private void repeat(String eventId, E event, long first, long content, long at) {
    if (first == content) {
      duplicates.inc();
    } else {
      conflicting.inc();
      output.collect(CONFLICTS, new StreamRecord<>(conflict(eventId, event, first, content), at));
    }
  }

  /** The index of the event with this eventId hash among the pairs {@code seen}, or -1. */
  private static int indexOf(long[] seen, long idHash) {
    for (int i = 0; i < seen.length; i += 2) {
      if (seen[i] == idHash) {
        return i;
      }
    }
    return -1;
  }

  private void expire(long time) throws Exception {
    SubjectState s = subject();
    if (s.seen == null || s.seenTimerAt != time) {
      return;
    }
    if (s.seenExpiresAt > time) {
      s.seenTimerAt = s.seenExpiresAt;
      schedule(DEDUP_NAMESPACE, s.seenTimerAt);
    } else {
      s.seen = null;
    }
    subjectChanged = true;
  }

  private DeadLetter conflict(String eventId, E event, long first, long hash) {
    byte[] bytes = codec.encode(event);
    return DeadLetter.newBuilder()
        .setSourceTopic(dedup.sourceTopic())
        .setEventId(eventId)
        .setRaw(ByteBuffer.wrap(bytes))
        .setRawLength((long) bytes.length)
        .setRawSha256(IngestDecoder.sha256(bytes, bytes.length))
        .setError("conflicting duplicate: eventId " + eventId + " was first seen with content hash "
            + hex(first) + ", this version has " + hex(hash) + "; the first version stands")
        .setFailedAt(Instant.now())
        .build();
  }

  /** A step on every subject the stage keeps, each its own step; the current key is restored after. */
  @FunctionalInterface
  private interface SubjectStep {
    void on(SubjectState subject) throws Exception;
  }

  private void forEachSubject(SubjectStep step) throws Exception {
    Object current = getCurrentKey();
    List<Object> keys;
    try (var stream = getKeyedStateBackend().getKeys(SUBJECT_STATE, VoidNamespace.INSTANCE)) {
      keys = stream.collect(Collectors.toList());
    }
    for (Object key : keys) {
      setCurrentKey(key);
      step.on(subject());
      endStep();
    }
    if (current != null) {
      setCurrentKey(current);
    }
  }

  /** The deadlines the stage holds for all its subjects (what each rule asked for, not Flink timers): for tests. */
  public int deadlines() throws Exception {
    int[] n = {0};
    forEachSubject(s -> n[0] += s.deadlines == null ? 0 : s.deadlines.length / 2);
    return n[0];
  }

  /** How many subjects hold a value in the rule state {@code name} (the rule's state name and its own): for tests. */
  public int subjectsHolding(String name) throws Exception {
    Slot<?> slot = slots.get(name);
    if (slot == null) {
      throw new IllegalArgumentException("no state " + name + " among " + slotNames);
    }
    int[] n = {0};
    forEachSubject(s -> n[0] += s.values[slot.index] == null ? 0 : 1);
    return n[0];
  }

  public static String hex(long hash) {
    return String.format("%016x", hash);
  }

  private String eventId(SpecificRecordBase event) {
    return event.get(eventIdField).toString();
  }

  private long eventTime(SpecificRecordBase event) {
    return ((Instant) event.get(eventTimeField)).toEpochMilli();
  }

  // ---------------------------------------------------------------------------------------------
  // What a rule sees

  /** A rule's view of the subject's instant, its own timers and the stage's outputs. */
  private final class RuleContext extends SubjectRule.OnTimerContext implements TimerService {
    private final int namespace;
    private long timestamp;

    RuleContext(int namespace) {
      this.namespace = namespace;
    }

    @Override
    public Long timestamp() {
      return timestamp;
    }

    @Override
    public TimerService timerService() {
      return this;
    }

    @Override
    public <X> void output(OutputTag<X> tag, X value) {
      output.collect(tag, new StreamRecord<>(value, emitAt));
    }

    @Override
    public String getCurrentKey() {
      return (String) SubjectStage.this.getCurrentKey();
    }

    @Override
    public long currentProcessingTime() {
      return timers.currentProcessingTime();
    }

    @Override
    public long currentWatermark() {
      return timers.currentWatermark();
    }

    @Override
    public void registerEventTimeTimer(long time) {
      try {
        schedule(namespace, time);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void deleteEventTimeTimer(long time) {
      try {
        unschedule(namespace, time);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void registerProcessingTimeTimer(long time) {
      throw new UnsupportedOperationException("rules run in event time");
    }

    @Override
    public void deleteProcessingTimeTimer(long time) {
      throw new UnsupportedOperationException("rules run in event time");
    }
  }

  /** A rule's state, under names prefixed with the rule's, so two rules never share a state by accident. */
  private final class Runtime implements SubjectRule.RuleRuntime {
    private final String prefix;
    private final MetricGroup metrics;

    Runtime(SubjectRule<?, ?> rule, MetricGroup metrics) {
      this.prefix = rule.stateName() + "/";
      this.metrics = metrics;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> ValueState<T> getState(ValueStateDescriptor<T> d) {
      d.initializeSerializerUnlessSet(getExecutionConfig());
      String name = prefix + d.getName();
      Slot<?> slot = slots.get(name);
      if (slot == null) {
        if (subjects != null) {
          throw new IllegalStateException("state " + name + " is not among the subject's slots the job started with");
        }
        slot = new Slot<>(slotNames.size());
        slots.put(name, slot);
        slotNames.add(name);
        slotSerializers.add(d.getSerializer());
      }
      return (ValueState<T>) slot;
    }

    @Override
    public <K, V> MapState<K, V> getMapState(MapStateDescriptor<K, V> d) {
      d.initializeSerializerUnlessSet(getExecutionConfig());
      return getKeyedStateStore().getMapState(new MapStateDescriptor<>(prefix + d.getName(), d.getKeySerializer(),
          d.getValueSerializer()));
    }

    @Override
    public <T> ListState<T> getListState(ListStateDescriptor<T> d) {
      d.initializeSerializerUnlessSet(getExecutionConfig());
      return getKeyedStateStore().getListState(new ListStateDescriptor<>(prefix + d.getName(),
          d.getElementSerializer()));
    }

    @Override
    public MetricGroup getMetricGroup() {
      return metrics;
    }
  }

  /**
   * The operator's metric group as every rule of the stage sees it: a counter two rules name alike
   * (a reference-data gap both meet) is one counter, not a second registration Flink would drop.
   */
  private static final class SharedCounters implements MetricGroup {
    private final MetricGroup group;
    private final Map<String, Counter> counters = new HashMap<>();

    SharedCounters(MetricGroup group) {
      this.group = group;
    }

    @Override
    public Counter counter(String name) {
      return counters.computeIfAbsent(name, group::counter);
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
      return group.counter(name, counter);
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
      return group.gauge(name, gauge);
    }

    @Override
    public <H extends Histogram> H histogram(String name, H histogram) {
      return group.histogram(name, histogram);
    }

    @Override
    public <M extends Meter> M meter(String name, M meter) {
      return group.meter(name, meter);
    }

    @Override
    public MetricGroup addGroup(String name) {
      return group.addGroup(name);
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
      return group.addGroup(key, value);
    }

    @Override
    public String[] getScopeComponents() {
      return group.getScopeComponents();
    }

    @Override
    public Map<String, String> getAllVariables() {
      return group.getAllVariables();
    }

    @Override
    public String getMetricIdentifier(String name) {
      return group.getMetricIdentifier(name);
    }

    @Override
    public String getMetricIdentifier(String name, CharacterFilter filter) {
      return group.getMetricIdentifier(name, filter);
    }

    @Override
    public void addSpan(SpanBuilder span) {
      group.addSpan(span);
    }

    @Override
    public void addEvent(EventBuilder event) {
      group.addEvent(event);
    }
  }

  /**
   * The events waiting for the watermark, sorted by (instant, eventId, arrival); those not yet
   * de-duplicated also by (subject, eventId hash), so a repeat of one is known at its arrival.
   */
  static final class PendingEvents<E> {
    /**
     * A waiting event; {@code seen}: de-duplicated already (its eventId among its subject's seen events, or
     * none are kept); else indexed by its subject and {@code idHash}.
     */
    record Pending<E>(long at, String key, E event, String eventId, long seq, long idHash, long content,
        boolean seen) {}

    /** (instant, eventId, arrival), written out: it runs for every event that arrives out of order. */
    private static final Comparator<Pending<?>> ORDER = (a, b) -> {
      int c = Long.compare(a.at(), b.at());
      if (c == 0) {
        c = a.eventId().compareTo(b.eventId());
      }
      return c != 0 ? c : Long.compare(a.seq(), b.seq());
    };

    @SuppressWarnings("unchecked")
    private Pending<E>[] items = new Pending[64];
    /** {@code items}' instants, where a binary search reads them without a cache miss per probe. */
    private long[] ats = new long[64];
    private int head;
    private int size;
    private long seq;
    private final WaitingIndex<E> byId = new WaitingIndex<>();

    /** A waiting event, de-duplicated already ({@code seen}; its hashes unused) or not (indexed). */
    void add(long at, String key, E event, String eventId, long idHash, long content, boolean seen) {
      Pending<E> p = new Pending<>(at, key, event, eventId, seq++, idHash, content, seen);
      if (!seen) {
        byId.put(p);
      }
      insert(p);
    }

    /** The waiting event of subject {@code key} with this eventId hash, or null. */
    Pending<E> waiting(String key, long idHash) {
      return byId.get(key, idHash);
    }

    private void insert(Pending<E> p) {
      if (size == items.length) {
        if (head > items.length / 2) {
          System.arraycopy(items, head, items, 0, size - head);
          System.arraycopy(ats, head, ats, 0, size - head);
          Arrays.fill(items, size - head, size, null);
          size -= head;
          head = 0;
        } else {
          items = Arrays.copyOf(items, items.length * 2);
          ats = Arrays.copyOf(ats, ats.length * 2);
        }
      }
      // Mostly in order: appended, else placed by binary search (after its equals: arrival order).
      int i = size;
      if (i > head && after(i - 1, p)) {
        int lo = head;
        int hi = size - 1;
        while (lo < hi) {
          int mid = (lo + hi) >>> 1;
          if (after(mid, p)) {
            hi = mid;
          } else {
            lo = mid + 1;
          }
        }
        i = lo;
      }
      if (i < size) {
        System.arraycopy(items, i, items, i + 1, size - i);
        System.arraycopy(ats, i, ats, i + 1, size - i);
      }
      items[i] = p;
      ats[i] = p.at();
      size++;
    }

    /** Whether the event at {@code i} goes after {@code p}; the instants from their own array, not each event's. */
    private boolean after(int i, Pending<E> p) {
      long at = ats[i];
      return at != p.at() ? at > p.at() : ORDER.compare(items[i], p) > 0;
    }

    boolean isEmpty() {
      return head == size;
    }

    long nextAt() {
      return ats[head];
    }

    Pending<E> poll() {
      Pending<E> p = items[head];
      items[head++] = null;
      if (head == size) {
        head = 0;
        size = 0;
      }
      if (!p.seen()) {
        byId.remove(p);
      }
      return p;
    }

    /** The waiting events whose eventIds are ({@code seen}) or are not yet among their subjects' seen events. */
    List<Tuple2<Long, E>> snapshot(boolean seen) {
      List<Tuple2<Long, E>> list = new ArrayList<>();
      for (int i = head; i < size; i++) {
        if (items[i].seen() == seen) {
          list.add(Tuple2.of(items[i].at(), items[i].event()));
        }
      }
      return list;
    }
  }

  /**
   * The waiting events not yet de-duplicated, by (subject, eventId hash): open addressing on the eventId
   * hash (linear probing, removal by shifting back), the hashes in an array of their own, so a lookup at
   * an event's arrival reads one slot of it and removing a judged event finds it by identity, with no
   * entry objects for the collector to copy while the events wait. A repeat of a waiting event that
   * {@link PendingEvents#add} is given anyway (only restored waiting events are added unchecked) takes the
   * place of the one before, whose later removal then leaves it indexed.
   */
  static final class WaitingIndex<E> {
    /** Marks an empty slot; an eventId hash of this value is kept as {@link #ZERO_HASH}, told apart by its event. */
    private static final long EMPTY = 0;
    private static final long ZERO_HASH = 0x9E3779B97F4A7C15L;

    private long[] hashes = new long[64];
    @SuppressWarnings("unchecked")
    private PendingEvents.Pending<E>[] events = new PendingEvents.Pending[64];
    private int size;

    private static long stored(long idHash) {
      return idHash == EMPTY ? ZERO_HASH : idHash;
    }

    /** The first slot to probe: the hash's bits mixed, for eventId hashes whose low bits vary little. */
    private int home(long stored) {
      long z = stored * 0x9E3779B97F4A7C15L;
      return (int) (z >>> 32 ^ z) & (hashes.length - 1);
    }

    PendingEvents.Pending<E> get(String key, long idHash) {
      return size == 0 ? null : events[slotOf(key, idHash)];
    }

    void put(PendingEvents.Pending<E> p) {
      if ((size + 1) * 2 > hashes.length) {
        grow();
      }
      int i = slotOf(p.key(), p.idHash());
      if (hashes[i] == EMPTY) {
        hashes[i] = stored(p.idHash());
        size++;
      }
      events[i] = p;
    }

    /** The slot of the waiting event of subject {@code key} with this eventId hash, else the empty slot where it would go. */
    private int slotOf(String key, long idHash) {
      long h = stored(idHash);
      int mask = hashes.length - 1;
      int i = home(h);
      while (hashes[i] != EMPTY) {
        PendingEvents.Pending<E> p = events[i];
        if (hashes[i] == h && p.idHash() == idHash && p.key().equals(key)) {
          return i;
        }
        i = (i + 1) & mask;
      }
      return i;
    }

    /** Takes {@code p} out if it is indexed (the very event, not an equal one). */
    void remove(PendingEvents.Pending<E> p) {
      int mask = hashes.length - 1;
      int i = home(stored(p.idHash()));
      while (events[i] != p) {
        if (hashes[i] == EMPTY) {
          return;
        }
        i = (i + 1) & mask;
      }
      size--;
      // Shift back the entries after it that would no longer be found past the gap.
      for (int j = (i + 1) & mask; hashes[j] != EMPTY; j = (j + 1) & mask) {
        int k = home(hashes[j]);
        boolean stays = i <= j ? i < k && k <= j : i < k || k <= j;
        if (!stays) {
          hashes[i] = hashes[j];
          events[i] = events[j];
          i = j;
        }
      }
      hashes[i] = EMPTY;
      events[i] = null;
    }

    int size() {
      return size;
    }

    @SuppressWarnings("unchecked")
    private void grow() {
      long[] oldHashes = hashes;
      PendingEvents.Pending<E>[] oldEvents = events;
      hashes = new long[oldHashes.length * 2];
      events = new PendingEvents.Pending[oldHashes.length * 2];
      int mask = hashes.length - 1;
      for (int j = 0; j < oldHashes.length; j++) {
        if (oldHashes[j] != EMPTY) {
          int i = home(oldHashes[j]);
          while (hashes[i] != EMPTY) {
            i = (i + 1) & mask;
          }
          hashes[i] = oldHashes[j];
          events[i] = oldEvents[j];
        }
      }
    }
  }
}
