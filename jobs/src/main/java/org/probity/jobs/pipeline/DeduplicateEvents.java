package org.probity.jobs.pipeline;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;
import org.probity.schema.DeadLetter;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * Contract: "a repeated eventId is the same event and is ignored". Keyed by eventId; the first
 * occurrence passes and its content hash is kept (a 64-bit CRC-64-AVRO of its Avro single-object
 * encoding: 8 bytes a key, not the event). A repeat with the same hash is counted
 * ({@code duplicateEvents}) and dropped. A repeat with a different hash is not the same event: it
 * is counted ({@code conflictingDuplicates}) and leaves by {@link #CONFLICTS} as a dead letter
 * naming the eventId and both hashes, so the first version is not silently displaced nor the
 * second silently lost. The key is forgotten {@code retention} ms of event time after the first
 * occurrence, by an event-time timer, so state stays bounded by traffic × retention.
 */
final class DeduplicateEvents extends KeyedProcessFunction<String, Ingested, Ingested> {
  private static final long serialVersionUID = 1L;
  static final OutputTag<DeadLetter> CONFLICTS = new OutputTag<>("conflicting-duplicates") {};

  private final long retentionMillis;
  /** Where each stream's events come from (its topic), for the dead letter's sourceTopic. */
  private final Map<EventStream, String> sourceNames;
  private transient ValueState<Long> firstHash;
  /** Keys seen by the version before content hashes (savepoints taken before it): repeats, of unknown hash. */
  private transient ValueState<Boolean> legacySeen;
  private transient Counter duplicates;
  private transient Counter conflicting;
  private transient Map<EventStream, SingleObjectCodec<SpecificRecordBase>> codecs;

  DeduplicateEvents(long retentionMillis) {
    this(retentionMillis, Map.of());
  }

  DeduplicateEvents(long retentionMillis, Map<EventStream, String> sourceNames) {
    this.retentionMillis = retentionMillis;
    this.sourceNames = sourceNames.isEmpty() ? new EnumMap<>(EventStream.class) : new EnumMap<>(sourceNames);
  }

  @Override
  public void open(OpenContext context) {
    firstHash = getRuntimeContext().getState(new ValueStateDescriptor<>("first-hash", Types.LONG));
    legacySeen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.BOOLEAN));
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
    conflicting = getRuntimeContext().getMetricGroup().counter("conflictingDuplicates");
    codecs = new EnumMap<>(EventStream.class);
  }

  @Override
  public void processElement(Ingested in, Context ctx, Collector<Ingested> out) throws Exception {
    SpecificRecordBase event = in.event();
    EventStream stream = EventStream.of(event);
    byte[] bytes = codec(stream).encode(event);
    long hash = SchemaNormalization.fingerprint64(bytes);
    Long first = firstHash.value();
    if (first == null) {
      if (legacySeen.value() != null) {
        duplicates.inc();
        return;
      }
      firstHash.update(hash);
      ctx.timerService().registerEventTimeTimer(in.timestamp() + retentionMillis);
      out.collect(in);
    } else if (first == hash) {
      duplicates.inc();
    } else {
      conflicting.inc();
      ctx.output(CONFLICTS, conflict(ctx.getCurrentKey(), stream, bytes, first, hash));
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Ingested> out) {
    firstHash.clear();
    legacySeen.clear();
  }

  private DeadLetter conflict(String eventId, EventStream stream, byte[] bytes, long first, long hash) {
    return DeadLetter.newBuilder()
        .setSourceTopic(sourceNames.getOrDefault(stream, stream.jsonName()))
        .setEventId(eventId)
        .setRaw(ByteBuffer.wrap(bytes))
        .setRawLength((long) bytes.length)
        .setRawSha256(IngestDecoder.sha256(bytes, bytes.length))
        .setError("conflicting duplicate: eventId " + eventId + " was first seen with content hash "
            + hex(first) + ", this version has " + hex(hash) + "; the first version stands")
        .setFailedAt(Instant.now())
        .build();
  }

  @SuppressWarnings("unchecked")
  private SingleObjectCodec<SpecificRecordBase> codec(EventStream stream) {
    return codecs.computeIfAbsent(stream,
        s -> (SingleObjectCodec<SpecificRecordBase>) SingleObjectCodec.of(s.recordClass()));
  }

  static String hex(long hash) {
    return String.format("%016x", hash);
  }
}
