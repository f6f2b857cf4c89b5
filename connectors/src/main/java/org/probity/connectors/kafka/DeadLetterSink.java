package org.probity.connectors.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.schema.DeadLetter;
import org.probity.schema.codec.SingleObjectCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter topic's sink: at-least-once, and it never fails the job. A KafkaSink rethrows a
 * refused record (too large for the topic, a topic gone, a delivery timeout) at the next write or
 * checkpoint, and the whole job, rules and all, restarts and meets the same record again: one bad
 * input would stop the monitoring for good. Here a plain KafkaProducer sends with a callback; a
 * refusal is logged with the record's coordinates and counted ({@value #REFUSED}), and the job
 * goes on. {@link SinkWriter#flush} (every checkpoint, and the end of input) waits for every
 * send, so what a checkpoint covers has been accepted or logged as refused.
 *
 * <p>Every record is encoded below the producer's {@code max.request.size} ({@link #fit}), so the
 * producer itself never refuses one for size.
 */
public final class DeadLetterSink implements Sink<DeadLetter> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSink.class);
  /** Kafka's default {@code max.request.size}, below the default broker's {@code message.max.bytes}. */
  public static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
  /**
   * What Kafka adds to key and value in a request: a batch header (61 bytes), a record header
   * (at most ~25 bytes of varints) and the record's headers (none here); generously rounded.
   */
  static final int RECORD_OVERHEAD = 512;
  public static final String WRITTEN = "deadLettersWritten";
  public static final String REFUSED = "deadLettersRefused";
  /** Per reason ({@link #reason}): {@code deadLetters} with a {@code reason} label in Prometheus. */
  public static final String BY_REASON = "deadLetters";

  private final String bootstrapServers;
  private final String topic;
  private final int maxRequestSize;
  private final java.util.Map<String, String> clientProperties;

  public DeadLetterSink(String bootstrapServers, String topic, int maxRequestSize) {
    this(bootstrapServers, topic, maxRequestSize, java.util.Map.of());
  }

  /** {@code clientProperties}: {@link KafkaSettings#clientProperties()}, applied before the sink's own. */
  public DeadLetterSink(String bootstrapServers, String topic, int maxRequestSize,
      java.util.Map<String, String> clientProperties) {
    if (maxRequestSize <= RECORD_OVERHEAD) {
      throw new IllegalArgumentException("max.request.size must be above " + RECORD_OVERHEAD + ": " + maxRequestSize);
    }
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.maxRequestSize = maxRequestSize;
    this.clientProperties = java.util.Map.copyOf(clientProperties);
  }

  public String topic() {
    return topic;
  }

  @Override
  public SinkWriter<DeadLetter> createWriter(WriterInitContext context) {
    return new Writer(this, context.metricGroup().counter(WRITTEN, new ThreadSafeSimpleCounter()),
        context.metricGroup().counter(REFUSED, new ThreadSafeSimpleCounter()), context.metricGroup());
  }

  /**
   * A dead letter's error as one of a few reasons, a metric label of bounded cardinality: the
   * error itself names values and ids.
   */
  public static String reason(String error) {
    if (error == null) {
      return "other";
    }
    if (error.startsWith("cannot decode") || error.startsWith("unknown schema fingerprint")) {
      return "undecodable";
    }
    if (error.startsWith("conflicting duplicate")) {
      return "conflicting-duplicate";
    }
    if (error.contains("ahead of")) {
      return "too-far-ahead";
    }
    return "invalid";
  }

  /**
   * {@code d} encoded in at most {@code maxBytes}: as it is when it fits, else with raw cut (the
   * whole record's length and hash kept, computed here if missing), then with a shorter reason and
   * no eventId. Only a budget too small for the coordinates alone can leave it over.
   */
  static byte[] fit(SingleObjectCodec<DeadLetter> codec, DeadLetter d, int maxBytes) {
    byte[] encoded = codec.encode(d);
    if (encoded.length <= maxBytes) {
      return encoded;
    }
    DeadLetter.Builder cut = DeadLetter.newBuilder(d);
    ByteBuffer raw = d.getRaw().duplicate();
    byte[] rawBytes = new byte[raw.remaining()];
    raw.get(rawBytes);
    if (d.getRawLength() == null || d.getRawSha256() == null) {
      cut.setRawLength((long) rawBytes.length).setRawSha256(IngestDecoder.sha256(rawBytes, rawBytes.length));
    }
    int keep = Math.max(0, rawBytes.length - (encoded.length - maxBytes));
    cut.setRaw(ByteBuffer.wrap(java.util.Arrays.copyOf(rawBytes, keep)));
    encoded = codec.encode(cut.build());
    if (encoded.length <= maxBytes) {
      return encoded;
    }
    String error = d.getError();
    cut.setRaw(ByteBuffer.allocate(0)).setEventId(null).setError(error.substring(0, Math.min(error.length(), 200)));
    return codec.encode(cut.build());
  }

  private static final class Writer implements SinkWriter<DeadLetter> {
    private final String topic;
    private final int valueBudget;
    private final SingleObjectCodec<DeadLetter> codec = SingleObjectCodec.of(DeadLetter.class);
    private final KafkaProducer<byte[], byte[]> producer;
    private final Counter written;
    private final Counter refused;
    private final org.apache.flink.metrics.MetricGroup metrics;
    private final java.util.Map<String, Counter> byReason = new java.util.HashMap<>();

    Writer(DeadLetterSink sink, Counter written, Counter refused, org.apache.flink.metrics.MetricGroup metrics) {
      this.topic = sink.topic;
      this.valueBudget = sink.maxRequestSize - RECORD_OVERHEAD;
      this.written = written;
      this.refused = refused;
      this.metrics = metrics;
      Properties props = KafkaClientProperties.of(sink.bootstrapServers, sink.clientProperties);
      props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(sink.maxRequestSize));
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
      this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void write(DeadLetter d, Context context) {
      String key = KafkaConnectors.deadLetterKey(d);
      byReason.computeIfAbsent(reason(d.getError()), r -> metrics.addGroup("reason", r).counter(BY_REASON)).inc();
      byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
      try {
        byte[] value = fit(codec, d, valueBudget - keyBytes.length);
        // No record timestamp, as for alerts: the topic's retention runs from when it was written.
        producer.send(new ProducerRecord<>(topic, null, null, keyBytes, value), (metadata, e) -> {
          if (e == null) {
            written.inc();
          } else {
            refused(key, d, e);
          }
        });
      } catch (InterruptException e) {
        throw e; // the task is being cancelled
      } catch (KafkaException | IllegalStateException e) {
        refused(key, d, e);
      }
    }

    private void refused(String key, DeadLetter d, Exception e) {
      refused.inc();
      LOG.error("dead letter {} (sha256 {}, {} bytes: {}) not written to {}: {}", key, d.getRawSha256(),
          d.getRawLength(), d.getError(), topic, e.toString());
    }

    /** Every send done, accepted or refused; a refusal was counted in its callback. */
    @Override
    public void flush(boolean endOfInput) {
      producer.flush();
    }

    @Override
    public void close() {
      producer.close(Duration.ofSeconds(30));
    }
  }
}
