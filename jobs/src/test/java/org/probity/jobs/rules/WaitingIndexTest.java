package org.probity.jobs.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stage's index of waiting events against a map of (subject, eventId hash): the same answers
 * through growth, removals that shift entries back across the table's end, and hashes that collide.
 */
class WaitingIndexTest {
  private record Id(String key, long idHash) {}

  private static SubjectStage.PendingEvents.Pending<String> pending(String key, long idHash, long seq) {
    return new SubjectStage.PendingEvents.Pending<>(seq, key, "event " + seq, "id " + seq, seq, idHash, 0, false);
  }

  @Test
  void answersAsAMapDoesUnderRandomArrivalsAndRemovals() {
    Random random = new Random(16);
    // Few hashes and subjects: probes run long, equal hashes of other subjects meet, a hash is 0.
    long[] hashes = {0, 1, 2, 3, 64, 128, 0x9E3779B97F4A7C15L, -1, random.nextLong(), random.nextLong()};
    String[] keys = {"case-1", "case-2", "case-3"};
    SubjectStage.WaitingIndex<String> index = new SubjectStage.WaitingIndex<>();
    Map<Id, SubjectStage.PendingEvents.Pending<String>> model = new HashMap<>();
    List<SubjectStage.PendingEvents.Pending<String>> waiting = new ArrayList<>();
    for (int step = 0; step < 200_000; step++) {
      String key = keys[random.nextInt(keys.length)];
      long idHash = random.nextInt(4) == 0 ? random.nextLong() : hashes[random.nextInt(hashes.length)];
      // Grow to a few thousand waiting, then drain, twice over.
      boolean filling = (step / 50_000) % 2 == 0;
      if (waiting.isEmpty() || random.nextInt(10) < (filling ? 6 : 3)) {
        SubjectStage.PendingEvents.Pending<String> p = pending(key, idHash, step);
        index.put(p);
        model.put(new Id(key, idHash), p);
        waiting.add(p);
      } else {
        SubjectStage.PendingEvents.Pending<String> p = waiting.remove(random.nextInt(waiting.size()));
        index.remove(p);
        model.remove(new Id(p.key(), p.idHash()), p);
      }
      assertSame(model.get(new Id(key, idHash)), index.get(key, idHash), "step " + step);
      if (step % 997 == 0) {
        assertEquals(model.size(), index.size(), "step " + step);
        for (Map.Entry<Id, SubjectStage.PendingEvents.Pending<String>> e : model.entrySet()) {
          assertSame(e.getValue(), index.get(e.getKey().key(), e.getKey().idHash()), "step " + step);
        }
      }
    }
    for (SubjectStage.PendingEvents.Pending<String> p : waiting) {
      index.remove(p);
    }
    assertEquals(0, index.size());
    assertNull(index.get("case-1", 0));
  }

  @Test
  void aRepeatTakesThePlaceOfTheOneBeforeWhoseRemovalLeavesIt() {
    SubjectStage.WaitingIndex<String> index = new SubjectStage.WaitingIndex<>();
    SubjectStage.PendingEvents.Pending<String> first = pending("voucher-1", 42, 1);
    SubjectStage.PendingEvents.Pending<String> repeat = pending("voucher-1", 42, 2);
    SubjectStage.PendingEvents.Pending<String> otherSubject = pending("voucher-2", 42, 3);
    index.put(first);
    index.put(otherSubject);
    index.put(repeat);
    assertEquals(2, index.size());
    index.remove(first);
    assertSame(repeat, index.get("voucher-1", 42));
    assertSame(otherSubject, index.get("voucher-2", 42));
    index.remove(repeat);
    assertNull(index.get("voucher-1", 42));
    assertSame(otherSubject, index.get("voucher-2", 42));
  }
}
