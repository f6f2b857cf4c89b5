package org.probity.jobs.rules;

import java.time.Instant;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * A 64-bit hash of an event's content, field by field in schema order (the events are flat records
 * of strings, numbers, instants and enums): what de-duplication keeps of an event to tell a repeat
 * (same eventId, same content) from a conflicting version. Computed from the values, not from an
 * encoding, so it costs a pass over a few short strings; the same on every JVM (String and enum
 * names by their characters), so it survives a restore.
 */
public final class ContentHash {
  private static final long SEED = 0x9E3779B97F4A7C15L;
  private static final long NULL = 0x5bd1e9955bd1e995L;

  private ContentHash() {}

  public static long of(SpecificRecordBase record) {
    long h = SEED;
    int fields = record.getSchema().getFields().size();
    for (int i = 0; i < fields; i++) {
      h = mix(h ^ value(record.get(i)));
    }
    return h;
  }

  /** A 64-bit hash of a string (an eventId): two ids of one subject colliding is a 2^-64 chance. */
  public static long of(CharSequence s) {
    long h = SEED ^ s.length();
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return mix(h);
  }

  private static long value(Object v) {
    if (v == null) {
      return NULL;
    }
    if (v instanceof CharSequence s) {
      return of(s);
    }
    if (v instanceof Long l) {
      return mix(l + 1);
    }
    if (v instanceof Integer n) {
      return mix(n + 2L);
    }
    if (v instanceof Instant t) {
      return mix(t.toEpochMilli() + 3);
    }
    if (v instanceof Enum<?> e) {
      return of(e.name()) + 4;
    }
    if (v instanceof Boolean b) {
      return b ? 5 : 6;
    }
    return of(v.toString()) + 7;
  }

  /** The finaliser of SplitMix64: every input bit affects every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
