package org.probity.jobs.rules;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Everything a {@link SubjectStage} keeps for one subject, in one keyed value: the events it has seen
 * (de-duplication), its rules' deadlines, and every value state of its rules (a slot each, named by
 * the rule's state name). One lookup and one write per event instead of one per state — on the heap
 * a hash probe each, on RocksDB a JNI round trip with its serialization each — and the subject's key
 * written once per checkpoint instead of once per state. A rule's map and list states stay states of
 * their own: they grow with the subject and are read by key.
 */
public final class SubjectState {
  /** Pairs (eventId hash, content hash) of the events seen; null when not de-duplicating or expired. */
  long[] seen;
  long seenExpiresAt;
  long seenTimerAt;
  /** Pairs (instant, rule namespace), sorted; the subject's one Flink timer is at the first. */
  long[] deadlines;
  /** The rules' value states, by slot of {@link #layout}. */
  Object[] values;
  /** The slots {@link #values} is laid out by: a restored subject of another release may have others. */
  transient Layout layout;

  SubjectState(Layout layout) {
    this.layout = layout;
    this.values = new Object[layout.names.length];
  }

  boolean isEmpty() {
    if (seen != null || deadlines != null) {
      return false;
    }
    for (Object v : values) {
      if (v != null) {
        return false;
      }
    }
    return true;
  }

  /** This subject laid out by {@code target}'s slots (a slot the other layout lacks is empty; one it drops, gone). */
  SubjectState in(Layout target) {
    if (layout == target || Arrays.equals(layout.names, target.names)) {
      layout = target;
      return this;
    }
    SubjectState moved = new SubjectState(target);
    moved.seen = seen;
    moved.seenExpiresAt = seenExpiresAt;
    moved.seenTimerAt = seenTimerAt;
    moved.deadlines = deadlines;
    for (int i = 0; i < layout.names.length; i++) {
      Integer j = target.index.get(layout.names[i]);
      if (j != null) {
        moved.values[j] = values[i];
      }
    }
    return moved;
  }

  /** The names of a stage's value-state slots, in order. */
  static final class Layout {
    final String[] names;
    final Map<String, Integer> index = new HashMap<>();

    Layout(List<String> names) {
      this.names = names.toArray(String[]::new);
      for (int i = 0; i < this.names.length; i++) {
        index.put(this.names[i], i);
      }
    }
  }

  /** Writes a subject as its seen events, its deadlines and each slot (present or not) by the slot's own serializer. */
  public static final class Serializer extends TypeSerializer<SubjectState> {
    private static final long serialVersionUID = 1L;
    private final String[] names;
    private final TypeSerializer<Object>[] slots;
    private transient Layout layout;
    /** Where a subject is written before a stream takes it whole (see {@link #serialize}); one per duplicate. */
    private transient DataOutputSerializer staging;

    @SuppressWarnings("unchecked")
    public Serializer(List<String> names, List<TypeSerializer<?>> slots) {
      this(names.toArray(String[]::new), slots.toArray(TypeSerializer[]::new), null);
    }

    private Serializer(String[] names, TypeSerializer<Object>[] slots, Layout layout) {
      this.names = names;
      this.slots = slots;
      this.layout = layout;
    }

    Layout layout() {
      if (layout == null) {
        layout = new Layout(List.of(names));
      }
      return layout;
    }

    @Override
    public boolean isImmutableType() {
      return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public TypeSerializer<SubjectState> duplicate() {
      // Never this: the staging buffer is the thread's own.
      TypeSerializer<Object>[] copies = new TypeSerializer[slots.length];
      for (int i = 0; i < slots.length; i++) {
        copies[i] = slots[i].duplicate();
      }
      return new Serializer(names, copies, layout());
    }

    @Override
    public SubjectState createInstance() {
      return new SubjectState(layout());
    }

    @Override
    public SubjectState copy(SubjectState from) {
      SubjectState s = from.in(layout());
      SubjectState c = new SubjectState(layout());
      c.seen = s.seen == null ? null : s.seen.clone();
      c.seenExpiresAt = s.seenExpiresAt;
      c.seenTimerAt = s.seenTimerAt;
      c.deadlines = s.deadlines == null ? null : s.deadlines.clone();
      for (int i = 0; i < slots.length; i++) {
        c.values[i] = s.values[i] == null ? null : slots[i].copy(s.values[i]);
      }
      return c;
    }

    @Override
    public SubjectState copy(SubjectState from, SubjectState reuse) {
      return copy(from);
    }

    @Override
    public int getLength() {
      return -1;
    }

    @Override
    public void serialize(SubjectState record, DataOutputView out) throws IOException {
      if (out instanceof DataOutputSerializer) {
        write(record, out);
        return;
      }
      // A heap snapshot's stream takes each primitive and each character of a string through a chain of
      // calls; staged in an array, the subject is one write.
      if (staging == null) {
        staging = new DataOutputSerializer(512);
      }
      staging.clear();
      write(record, staging);
      out.write(staging.getSharedBuffer(), 0, staging.length());
    }

    private void write(SubjectState record, DataOutputView out) throws IOException {
      SubjectState s = record.in(layout());
      writeLongs(s.seen, out);
      if (s.seen != null) {
        out.writeLong(s.seenExpiresAt);
        out.writeLong(s.seenTimerAt);
      }
      writeLongs(s.deadlines, out);
      for (int i = 0; i < slots.length; i++) {
        out.writeBoolean(s.values[i] != null);
        if (s.values[i] != null) {
          slots[i].serialize(s.values[i], out);
        }
      }
    }

    @Override
    public SubjectState deserialize(DataInputView in) throws IOException {
      SubjectState s = new SubjectState(layout());
      s.seen = readLongs(in);
      if (s.seen != null) {
        s.seenExpiresAt = in.readLong();
        s.seenTimerAt = in.readLong();
      }
      s.deadlines = readLongs(in);
      for (int i = 0; i < slots.length; i++) {
        if (in.readBoolean()) {
          s.values[i] = slots[i].deserialize(in);
        }
      }
      return s;
    }

    @Override
    public SubjectState deserialize(SubjectState reuse, DataInputView in) throws IOException {
      return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
      serialize(deserialize(in), out);
    }

    private static void writeLongs(long[] a, DataOutputView out) throws IOException {
      out.writeInt(a == null ? -1 : a.length);
      if (a != null) {
        for (long v : a) {
          out.writeLong(v);
        }
      }
    }

    private static long[] readLongs(DataInputView in) throws IOException {
      int n = in.readInt();
      if (n < 0) {
        return null;
      }
      long[] a = new long[n];
      for (int i = 0; i < n; i++) {
        a[i] = in.readLong();
      }
      return a;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Serializer other && Arrays.equals(names, other.names) && Arrays.equals(slots, other.slots);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(names) + Arrays.hashCode(slots);
    }

    @Override
    public TypeSerializerSnapshot<SubjectState> snapshotConfiguration() {
      TypeSerializerSnapshot<?>[] nested = new TypeSerializerSnapshot<?>[slots.length];
      for (int i = 0; i < slots.length; i++) {
        nested[i] = slots[i].snapshotConfiguration();
      }
      return new Snapshot(names, nested);
    }
  }

  /**
   * The slots' names and their serializers' snapshots: a release whose rules keep other slots, or
   * whose slot types evolved, restores the subjects of the one before (slots matched by name).
   */
  public static final class Snapshot implements TypeSerializerSnapshot<SubjectState> {
    private String[] names;
    private TypeSerializerSnapshot<?>[] nested;

    /** For Flink's reading of a snapshot. */
    public Snapshot() {}

    Snapshot(String[] names, TypeSerializerSnapshot<?>[] nested) {
      this.names = names;
      this.nested = nested;
    }

    @Override
    public int getCurrentVersion() {
      return 1;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
      out.writeInt(names.length);
      for (int i = 0; i < names.length; i++) {
        out.writeUTF(names[i]);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, nested[i]);
      }
    }

    @Override
    public void readSnapshot(int version, DataInputView in, ClassLoader loader) throws IOException {
      int n = in.readInt();
      names = new String[n];
      nested = new TypeSerializerSnapshot<?>[n];
      for (int i = 0; i < n; i++) {
        names[i] = in.readUTF();
        nested[i] = TypeSerializerSnapshot.readVersionedSnapshot(in, loader);
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public TypeSerializer<SubjectState> restoreSerializer() {
      TypeSerializer<Object>[] slots = new TypeSerializer[nested.length];
      for (int i = 0; i < nested.length; i++) {
        slots[i] = (TypeSerializer<Object>) nested[i].restoreSerializer();
      }
      return new Serializer(names, slots, null);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypeSerializerSchemaCompatibility<SubjectState> resolveSchemaCompatibility(
        TypeSerializerSnapshot<SubjectState> old) {
      if (!(old instanceof Snapshot before)) {
        return TypeSerializerSchemaCompatibility.incompatible();
      }
      boolean migrate = !Arrays.equals(names, before.names);
      for (int i = 0; i < names.length; i++) {
        int j = Arrays.asList(before.names).indexOf(names[i]);
        if (j < 0) {
          continue;
        }
        TypeSerializerSchemaCompatibility<?> c = ((TypeSerializerSnapshot) nested[i])
            .resolveSchemaCompatibility((TypeSerializerSnapshot) before.nested[j]);
        if (c.isIncompatible()) {
          return TypeSerializerSchemaCompatibility.incompatible();
        }
        migrate |= !c.isCompatibleAsIs();
      }
      return migrate ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
          : TypeSerializerSchemaCompatibility.compatibleAsIs();
    }
  }
}
