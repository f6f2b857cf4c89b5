package org.probity.connectors.kafka;

import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A bounded {@link KafkaSource} that also ends after a restore. In connector 5.0 a restored bounded
 * enumerator never tells its readers that no more splits will come (FLINK-31006, fix not released):
 * the readers reach their stopping offsets and wait for ever, so {@code run --stop-at-latest}
 * restarted from a checkpoint never finished. When the restored state shows every partition
 * discovered and assigned, this signals "no more splits" to each reader as it registers, as the
 * original enumerator did before the restore.
 */
final class BoundedRestoreSource<T>
    implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {
  private static final long serialVersionUID = 1L;
  private final KafkaSource<T> kafka;

  BoundedRestoreSource(KafkaSource<T> kafka) {
    this.kafka = kafka;
  }

  @Override
  public Boundedness getBoundedness() {
    return kafka.getBoundedness();
  }

  @Override
  public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context) throws Exception {
    return kafka.createReader(context);
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context) throws Exception {
    return kafka.createEnumerator(context);
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state) throws Exception {
    SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restored = kafka.restoreEnumerator(context, state);
    boolean allAssigned = state.initialDiscoveryFinished() && state.unassignedSplits().isEmpty();
    if (getBoundedness() != Boundedness.BOUNDED || !allAssigned) {
      return restored;
    }
    return new SplitEnumerator<>() {
      @Override
      public void start() {
        restored.start();
      }

      @Override
      public void handleSplitRequest(int subtaskId, String requesterHostname) {
        restored.handleSplitRequest(subtaskId, requesterHostname);
      }

      @Override
      public void addSplitsBack(List<KafkaPartitionSplit> splits, int subtaskId) {
        restored.addSplitsBack(splits, subtaskId);
      }

      @Override
      public void addReader(int subtaskId) {
        restored.addReader(subtaskId);
        context.signalNoMoreSplits(subtaskId);
      }

      @Override
      public KafkaSourceEnumState snapshotState(long checkpointId) throws Exception {
        return restored.snapshotState(checkpointId);
      }

      @Override
      public void close() throws java.io.IOException {
        restored.close();
      }

      @Override
      public void notifyCheckpointComplete(long checkpointId) throws Exception {
        restored.notifyCheckpointComplete(checkpointId);
      }

      @Override
      public void notifyCheckpointAborted(long checkpointId) throws Exception {
        restored.notifyCheckpointAborted(checkpointId);
      }

      @Override
      public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        restored.handleSourceEvent(subtaskId, sourceEvent);
      }
    };
  }

  @Override
  public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
    return kafka.getSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
    return kafka.getEnumeratorCheckpointSerializer();
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return kafka.getProducedType();
  }
}
