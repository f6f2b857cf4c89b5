package org.probity.schema.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Every released version of a record's schema, as shipped in the jar under
 * {@code probity/avro/history/<Record>-v<N>.avsc}.
 *
 * <p>Released versions are never deleted: a Kafka topic keeps records written by old producers,
 * and the single-object decoder needs the writer's schema to read them. {@code
 * SchemaHistoryTest} fails when a current schema has not been added here as a new version.
 */
public final class SchemaHistory {
  static final String ROOT = "probity/avro/history/";

  private SchemaHistory() {}

  /** The released versions of {@code recordName}, oldest first (v1, v2, … until the first gap). */
  public static List<Schema> versions(String recordName) {
    return versions(ROOT, recordName);
  }

  static List<Schema> versions(String root, String recordName) {
    List<Schema> versions = new ArrayList<>();
    ClassLoader loader = SchemaHistory.class.getClassLoader();
    for (int v = 1; ; v++) {
      String path = root + recordName + "-v" + v + ".avsc";
      try (InputStream in = loader.getResourceAsStream(path)) {
        if (in == null) {
          return versions;
        }
        versions.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema " + path, e);
      }
    }
  }
}
