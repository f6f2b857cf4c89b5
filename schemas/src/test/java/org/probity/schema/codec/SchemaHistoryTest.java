package org.probity.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaHistoryTest {

  /** Changing an .avsc without releasing it as a new version would strand old records. */
  @ParameterizedTest
  @ValueSource(strings = {"ApprovalEvent", "PaymentEvent", "ProcurementEvent", "DecisionEvent",
      "Alert", "UnitStatus", "DeadLetter", "RulesVersion"})
  void currentSchemaIsAReleasedVersion(String name) throws Exception {
    @SuppressWarnings("unchecked")
    Class<? extends SpecificRecordBase> type =
        (Class<? extends SpecificRecordBase>) Class.forName("org.probity.schema." + name);
    Schema current = SingleObjectCodec.of(type).schema();
    List<Schema> released = SchemaHistory.versions(name);
    assertThat(released).isNotEmpty();
    long fingerprint = SchemaNormalization.parsingFingerprint64(current);
    assertThat(released)
        .as("%s.avsc changed: copy it to avro-history as the next version", name)
        .anySatisfy(s -> assertThat(SchemaNormalization.parsingFingerprint64(s)).isEqualTo(fingerprint));
  }
}
