package org.probity.jobs.versions;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.jobs.config.ConfigException;
import org.probity.schema.DeadLetter;
import org.probity.schema.RulesVersion;
import org.probity.schema.codec.SingleObjectCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door of rules versions into a running job (parallelism 1, before the versions are
 * broadcast to every stage): a record that does not decode, or a version {@link RulesHistory#accept}
 * refuses, leaves as a dead letter naming the topic, partition, offset and reason, and the job
 * keeps judging by the versions it has; a version it already has (the topic re-read after a
 * restart) passes silently. The versions it let through are its state, so a restart keeps them.
 *
 * <p>Versions carry no event time: the gate tells every operator downstream that this input is
 * idle, for good, so a second input of rules never holds back (nor moves) the events' watermark.
 */
public final class RulesGate extends AbstractStreamOperator<RulesVersion>
    implements OneInputStreamOperator<RulesRecord, RulesVersion> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RulesGate.class);
  public static final OutputTag<DeadLetter> REFUSED = new OutputTag<>("refused-rules-versions") {};
  public static final String REFUSED_VERSIONS = "refusedRulesVersions";
  public static final String APPLIED_VERSIONS = "appliedRulesVersions";

  private final RulesHistory start;
  private transient RulesHistory known;
  /** The versions let through since the job began (operator state: a restart keeps them). */
  private transient ListState<RulesVersion> taken;
  private transient SingleObjectCodec<RulesVersion> codec;
  private transient Counter refused;
  private transient Counter applied;

  public RulesGate(RulesHistory start) {
    this.start = start;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    taken = context.getOperatorStateStore().getListState(
        new ListStateDescriptor<>("rules-versions-taken", TypeInformation.of(RulesVersion.class)));
    known = start;
    for (RulesVersion v : taken.get()) {
      known = known.taking(v, why -> LOG.error("a rules version taken before the restart no longer applies: {}", why));
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    output.emitWatermarkStatus(WatermarkStatus.IDLE);
    codec = SingleObjectCodec.of(RulesVersion.class);
    refused = getRuntimeContext().getMetricGroup().counter(REFUSED_VERSIONS);
    applied = getRuntimeContext().getMetricGroup().counter(APPLIED_VERSIONS);
  }

  @Override
  public void processWatermark(Watermark mark) {}

  @Override
  public void processWatermarkStatus(WatermarkStatus status) {}

  @Override
  public void processElement(StreamRecord<RulesRecord> element) throws Exception {
    RulesRecord record = element.getValue();
    RulesVersion v;
    try {
      v = codec.decode(record.value);
    } catch (Exception e) {
      refuse(record, null, "not a RulesVersion record: " + e.getMessage());
      return;
    }
    if (known.has(v)) {
      return;
    }
    try {
      known = known.accept(v);
    } catch (ConfigException e) {
      refuse(record, v, e.getMessage());
      return;
    }
    taken.add(v);
    applied.inc();
    LOG.info("rules version {} ({}, {}) judges from {}", v.getVersion(), v.getAuthor(), v.getComment(),
        v.getEffectiveFrom());
    output.collect(new StreamRecord<>(v));
  }

  private void refuse(RulesRecord record, RulesVersion v, String reason) {
    refused.inc();
    String error = "rules version refused, the job keeps version " + known.latest().version() + ": " + reason;
    LOG.warn("{} (topic {} partition {} offset {})", error, record.topic, record.partition, record.offset);
    output.collect(REFUSED, new StreamRecord<>(DeadLetter.newBuilder()
        .setSourceTopic(record.topic)
        .setSourcePartition(record.partition)
        .setSourceOffset(record.offset)
        .setEventId(v == null ? null : "rules-v" + v.getVersion())
        .setRaw(ByteBuffer.wrap(record.value))
        .setRawLength((long) record.value.length)
        .setRawSha256(IngestDecoder.sha256(record.value, record.value.length))
        .setError(error)
        .setFailedAt(Instant.now())
        .build()));
  }
}
