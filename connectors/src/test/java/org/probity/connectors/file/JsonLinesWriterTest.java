package org.probity.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.TestEvents;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.json.AvroJson;
import org.probity.schema.Alert;

class JsonLinesWriterTest {
  private final AvroJson json = new AvroJson(TestEvents.SHANGHAI);
  private final IngestDecoder decoder = new IngestDecoder(json);

  @Test
  void writesEventsTheSourceReadsBackAndRecordsInTheirJsonForm(@TempDir Path dir) throws Exception {
    List<SpecificRecordBase> events = List.of(TestEvents.approval("a-1"), TestEvents.signedPayment("p-1"),
        TestEvents.order("r-1", 5L), TestEvents.decided("d-1"));
    Alert alert = TestEvents.alert("al-1");
    Path file = dir.resolve("out.jsonl");

    try (JsonLinesWriter writer = new JsonLinesWriter(file, json)) {
      events.forEach(writer::writeEvent);
      writer.write(alert);
      assertThat(writer.written()).isEqualTo(5);
    }

    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n").doesNotContain("\r").contains("支付凭证缺少纪检签字");
    List<String> lines = text.lines().toList();
    assertThat(lines).hasSize(5);
    for (int i = 0; i < events.size(); i++) {
      assertThat(decoder.fromJsonLine("out.jsonl", i + 1, lines.get(i)).event()).isEqualTo(events.get(i));
    }
    assertThat(lines.get(4)).isEqualTo(json.write(alert)).doesNotContain("\"stream\"");
    assertThat(json.read(new ObjectMapper().readTree(lines.get(4)), Alert.class)).isEqualTo(alert);
  }
}
