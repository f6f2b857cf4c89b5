package org.probity.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.FlinkTestCluster;
import org.probity.connectors.TestEvents;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;
import org.probity.schema.DeadLetter;
import org.probity.schema.ProcurementEvent;

class JsonLinesSourceTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension();

  private final IngestDecoder decoder = TestEvents.decoder();

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void goodLinesBecomeEventsInOrderAndBadLinesDeadLettersWithTheirLineNumbers(@TempDir Path dir)
      throws Exception {
    SpecificRecordBase a1 = TestEvents.approval("a-1");
    SpecificRecordBase p1 = TestEvents.signedPayment("p-1");
    SpecificRecordBase d1 = TestEvents.decided("d-1");
    List<SpecificRecordBase> orders = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      orders.add(TestEvents.order("r-" + i, 1000L + i));
    }
    List<String> lines = new ArrayList<>();
    lines.add(decoder.toJsonLine(a1));                                    // 1
    lines.add("");                                                        // 2  blank: skipped
    lines.add(decoder.toJsonLine(p1));                                    // 3
    lines.add("{\"stream\":\"payment\", oops");                           // 4  not JSON
    lines.add("   \t");                                                   // 5  blank: skipped
    lines.add(decoder.toJsonLine(d1).replace("\"stream\":\"decision\",", "")); // 6  no stream
    for (SpecificRecordBase order : orders) {                             // 7..36
      lines.add(decoder.toJsonLine(order));
    }
    lines.add(decoder.toJsonLine(TestEvents.order("r-neg", -1L)));         // 37 invalid value
    lines.add("{\"stream\":\"salary\",\"eventId\":\"x-1\"}");             // 38 unknown stream
    lines.add(decoder.toJsonLine(d1));                                    // 39, no newline at the end
    Path file = dir.resolve("events-2025.jsonl");
    Files.writeString(file, String.join("\n", lines), StandardCharsets.UTF_8);

    List<Ingested> out = run(file);

    List<SpecificRecordBase> expectedEvents = new ArrayList<>(List.of(a1, p1));
    expectedEvents.addAll(orders);
    expectedEvents.add(d1);
    assertThat(out.stream().filter(in -> !in.isDeadLetter()).map(Ingested::event).toList())
        .as("the good events, in file order")
        .containsExactlyElementsOf(expectedEvents);

    List<DeadLetter> dead = out.stream().filter(Ingested::isDeadLetter).map(in -> in.deadLetter).toList();
    assertThat(dead).extracting(DeadLetter::getLineNumber).containsExactly(4L, 6L, 37L, 38L);
    assertThat(dead).extracting(DeadLetter::getError).satisfiesExactly(
        e -> assertThat(e).startsWith("not JSON"),
        e -> assertThat(e).contains("field 'stream'"),
        e -> assertThat(e).contains("field 'amountFen' is negative: -1"),
        e -> assertThat(e).contains("field 'stream'"));
    assertThat(dead).extracting(DeadLetter::getEventId).containsExactly(null, "d-1", "r-neg", "x-1");
    for (DeadLetter d : dead) {
      assertThat(d.getSourceTopic()).isEqualTo("events-2025.jsonl");
      assertThat(d.getSourcePartition()).isNull();
      assertThat(d.getSourceOffset()).isNull();
      String line = lines.get(d.getLineNumber().intValue() - 1);
      assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
    }
    // Everything in the file is accounted for: 37 non-blank lines, nothing dropped silently.
    assertThat(out).hasSize(37);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void readsCrlfLinesAndAByteOrderMark(@TempDir Path dir) throws Exception {
    ProcurementEvent first = TestEvents.order("r-1", 1L);
    ProcurementEvent second = TestEvents.order("r-2", 2L);
    Path file = dir.resolve("windows.jsonl");
    Files.writeString(file, "\uFEFF" + decoder.toJsonLine(first) + "\r\n\r\nnope\r\n" + decoder.toJsonLine(second)
        + "\r\n", StandardCharsets.UTF_8);

    List<Ingested> out = run(file);

    assertThat(out).hasSize(3);
    assertThat(out.get(0).procurement).isEqualTo(first);
    assertThat(out.get(1).deadLetter.getLineNumber()).isEqualTo(3L);
    assertThat(out.get(1).deadLetter.getRaw()).isEqualTo(ByteBuffer.wrap("nope".getBytes(StandardCharsets.UTF_8)));
    assertThat(out.get(2).procurement).isEqualTo(second);
  }

  @Test
  void aRestoredReaderStartsAtTheBeginningSoLineNumbersStayRight(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("restore.jsonl");
    Files.writeString(file, "\n" + decoder.toJsonLine(TestEvents.order("r-1", 1L)) + "\nbad\n",
        StandardCharsets.UTF_8);
    JsonLinesSource.NumberedLineFormat format = new JsonLinesSource.NumberedLineFormat(decoder, "restore.jsonl");
    org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(file.toUri());
    long length = Files.size(file);

    try (var stream = FileSystem.getLocalFileSystem().open(path)) {
      stream.seek(length / 2);
      StreamFormat.Reader<Ingested> reader =
          format.restoreReader(new Configuration(), stream, length / 2, length, length);
      assertThat(reader.read().eventId()).isEqualTo("r-1");
      assertThat(reader.read().deadLetter.getLineNumber()).isEqualTo(3L);
      assertThat(reader.read()).isNull();
      reader.close();
    }
    assertThat(format.isSplittable()).isFalse();
  }

  /**
   * Only "\n" ends a line. BufferedReader.readLine also split on a lone "\r", so one stray CR in
   * line 2 made line 4's dead letter say line 5 (and line 2 two dead letters).
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aStrayCarriageReturnInsideALineDoesNotShiftLaterLineNumbers(@TempDir Path dir) throws Exception {
    String good = decoder.toJsonLine(TestEvents.order("r-1", 1L));
    String stray = "{\"stream\":\"procurement\",\"eventId\":\"x\r-1\"}";
    Path file = dir.resolve("stray-cr.jsonl");
    Files.writeString(file, good + "\n" + stray + "\n" + good.replace("r-1", "r-2") + "\nbad\r\n"
        + good.replace("r-1", "r-3") + "\n", StandardCharsets.UTF_8);

    List<Ingested> out = run(file);

    assertThat(out).hasSize(5);
    assertThat(out).extracting(Ingested::eventId).containsExactly("r-1", null, "r-2", null, "r-3");
    assertThat(out.get(1).deadLetter.getLineNumber()).isEqualTo(2L);
    assertThat(out.get(1).deadLetter.getRaw()).isEqualTo(ByteBuffer.wrap(stray.getBytes(StandardCharsets.UTF_8)));
    assertThat(out.get(3).deadLetter.getLineNumber()).isEqualTo(4L);
    assertThat(out.get(3).deadLetter.getRaw()).as("one trailing CR of a CRLF line is not part of it")
        .isEqualTo(ByteBuffer.wrap("bad".getBytes(StandardCharsets.UTF_8)));
  }

  /** Invalid UTF-8 was replaced by U+FFFD, and the line decoded as an event with a changed unitId. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void invalidUtf8IsADeadLetterWithTheBytesAsReceived(@TempDir Path dir) throws Exception {
    byte[] good = decoder.toJsonLine(TestEvents.order("r-1", 1L)).getBytes(StandardCharsets.UTF_8);
    byte[] bad = decoder.toJsonLine(TestEvents.order("r-2", 2L)).replace("U01", "U\u00e91")
        .getBytes(StandardCharsets.UTF_8);
    int at = indexOf(bad, new byte[] {(byte) 0xC3, (byte) 0xA9});
    bad[at + 1] = (byte) 0x31; // C3 followed by a non-continuation byte
    Path file = dir.resolve("latin1.jsonl");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.write(good);
    bytes.write('\n');
    bytes.write(bad);
    bytes.write('\n');
    bytes.write(good);
    Files.write(file, bytes.toByteArray());

    List<Ingested> out = run(file);

    assertThat(out).hasSize(3);
    DeadLetter d = out.get(1).deadLetter;
    assertThat(d).as("%s", out.get(1)).isNotNull();
    assertThat(d.getLineNumber()).isEqualTo(2L);
    assertThat(d.getError()).isEqualTo("invalid UTF-8 at byte " + at);
    assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(bad));
    assertThat(d.getRawLength()).isEqualTo(bad.length);
    assertThat(d.getRawSha256()).isEqualTo(sha256(bad));
    assertThat(out.get(0).eventId()).isEqualTo("r-1");
    assertThat(out.get(2).eventId()).isEqualTo("r-1");
  }

  /**
   * A 3 MB line: its dead letter carried the whole line, over Flink's 2 MB collect-sink record
   * limit, and the replay died. Now the reader never holds it whole: one dead letter with the first
   * bytes, the whole line's length and hash, and the lines around it decode.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aThreeMegabyteLineIsOneCappedDeadLetterAndItsNeighboursDecode(@TempDir Path dir) throws Exception {
    String before = decoder.toJsonLine(TestEvents.order("r-1", 1L));
    String after = decoder.toJsonLine(TestEvents.order("r-2", 2L));
    String huge = "{\"stream\":\"procurement\",\"eventId\":\"" + "a".repeat(3_000_000) + "\"}";
    byte[] hugeBytes = huge.getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("huge.jsonl");
    Files.writeString(file, before + "\n\n" + huge + "\r\n" + after + "\n", StandardCharsets.UTF_8);

    List<Ingested> out = run(file);

    assertThat(out).hasSize(3);
    assertThat(out.get(0).eventId()).isEqualTo("r-1");
    assertThat(out.get(2).eventId()).isEqualTo("r-2");
    DeadLetter d = out.get(1).deadLetter;
    assertThat(d.getLineNumber()).isEqualTo(3L);
    assertThat(d.getRawLength()).isEqualTo(hugeBytes.length);
    assertThat(d.getRawSha256()).isEqualTo(sha256(hugeBytes));
    assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(java.util.Arrays.copyOf(hugeBytes, org.probity.connectors.ingest.IngestLimits.DEFAULT_RAW_LIMIT)));
    assertThat(d.getError()).isEqualTo("line is " + hugeBytes.length + " bytes, over the maximum 1048576");
  }

  /** The bound is the decoder's setting, exact to the byte, and the BOM and CR are not counted. */
  @Test
  void aLineOfExactlyTheMaximumIsReadAndOneByteMoreIsADeadLetter(@TempDir Path dir) throws Exception {
    IngestDecoder small = new IngestDecoder(decoder.json(),
        org.probity.connectors.ingest.IngestLimits.live().withMaxLineBytes(300).withRawLimit(10));
    String event = small.toJsonLine(TestEvents.order("r-1", 1L));
    String padded = event.substring(0, event.length() - 1) + " ".repeat(300 - event.length()) + "}";
    String over = padded.substring(0, padded.length() - 1) + " }";
    Path file = dir.resolve("edge.jsonl");
    Files.writeString(file, "\uFEFF" + padded + "\r\n" + over + "\r\n", StandardCharsets.UTF_8);
    JsonLinesSource.NumberedLineFormat format = new JsonLinesSource.NumberedLineFormat(small, "edge.jsonl");

    try (var stream = FileSystem.getLocalFileSystem().open(new org.apache.flink.core.fs.Path(file.toUri()))) {
      StreamFormat.Reader<Ingested> reader =
          format.createReader(new Configuration(), stream, Files.size(file), Files.size(file));
      assertThat(reader.read().eventId()).isEqualTo("r-1");
      DeadLetter d = reader.read().deadLetter;
      assertThat(d.getLineNumber()).isEqualTo(2L);
      assertThat(d.getError()).isEqualTo("line is 301 bytes, over the maximum 300");
      assertThat(d.getRawLength()).isEqualTo(301L);
      assertThat(d.getRawSha256()).isEqualTo(sha256(over.getBytes(StandardCharsets.UTF_8)));
      assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(over.substring(0, 10).getBytes(StandardCharsets.UTF_8)));
      assertThat(reader.read()).isNull();
      reader.close();
    }
  }

  static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private List<Ingested> run(Path file) throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    // Two readers: the file is one split, read whole by one of them, so order holds anyway.
    env.setParallelism(2);
    return env.fromSource(JsonLinesSource.of(decoder, new org.apache.flink.core.fs.Path(file.toUri())),
            WatermarkStrategy.noWatermarks(), "json-lines")
        .executeAndCollect(1000);
  }
}
