package org.probity.jobs.versions;

/** One record of the rules topic as read, undecoded: a reader never throws on what it cannot decode. */
public class RulesRecord {
  public String topic;
  public int partition;
  public long offset;
  public byte[] value;

  public RulesRecord() {}

  public static RulesRecord of(String topic, int partition, long offset, byte[] value) {
    RulesRecord r = new RulesRecord();
    r.topic = topic;
    r.partition = partition;
    r.offset = offset;
    r.value = value == null ? new byte[0] : value;
    return r;
  }
}
