package org.probity.connectors.file;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.json.AvroJson;

/** Writes records in the contract's JSON form, one per line, UTF-8, {@code \n} line ends. */
public final class JsonLinesWriter implements AutoCloseable {
  private final BufferedWriter out;
  private final AvroJson json;
  private long written;

  public JsonLinesWriter(Path file, AvroJson json) {
    try {
      this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    this.json = json;
  }

  /** An alert, unit status or dead letter: its fields only. */
  public void write(SpecificRecordBase record) {
    line(json.write(record));
  }

  /** An event, with its {@code "stream"} first so a reader knows which record it is. */
  public void writeEvent(SpecificRecordBase event) {
    line(json.write(event, "stream", EventStream.of(event).jsonName()));
  }

  private void line(String text) {
    try {
      out.write(text);
      out.write('\n');
      written++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long written() {
    return written;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
