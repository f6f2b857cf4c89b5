package org.probity.jobs.rules.approval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.probity.jobs.pipeline.CompactStrings;

/**
 * An open case's {@link CaseState}, field by field in a fixed order: its flags in one byte, strings as
 * their UTF-8 bytes in one write each. It is read and written on every approval event with RocksDB and
 * at every heap snapshot, where Flink's POJO serializer went through reflection per field and a call
 * per character. A state of the POJO serializer (a release before this one) restores: its snapshot is
 * compatible after migration, read by the POJO serializer and written by this one.
 */
public final class CaseStateSerializer extends TypeSerializerSingleton<CaseState> {
  private static final long serialVersionUID = 1L;
  public static final CaseStateSerializer INSTANCE = new CaseStateSerializer();

  private static final int ITEM_IN_CATALOGUE = 1;
  private static final int RECEIVED = 1 << 1;
  private static final int AWAITING_SUPPLEMENT = 1 << 2;
  private static final int DECIDED = 1 << 3;
  private static final int COMPLETED = 1 << 4;

  private CaseStateSerializer() {}

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public CaseState createInstance() {
    return new CaseState();
  }

  @Override
  public CaseState copy(CaseState from) {
    CaseState c = new CaseState();
    c.unitId = from.unitId;
    c.itemCode = from.itemCode;
    c.promisedWorkingDays = from.promisedWorkingDays;
    c.itemInCatalogue = from.itemInCatalogue;
    c.received = from.received;
    c.receivedBy = from.receivedBy;
    c.clockStartDay = from.clockStartDay;
    c.awaitingSupplement = from.awaitingSupplement;
    c.extensionWorkingDays = from.extensionWorkingDays;
    c.shiftWorkingDays = from.shiftWorkingDays;
    c.clockChangedAt = from.clockChangedAt;
    c.clockEvidence = copyOf(from.clockEvidence);
    c.suspendedSinceDay = from.suspendedSinceDay;
    c.suspensions = from.suspensions;
    c.suspendedWorkingDays = from.suspendedWorkingDays;
    c.suspensionEvidence = copyOf(from.suspensionEvidence);
    c.suspendedBy = copyOf(from.suspendedBy);
    c.decided = from.decided;
    c.completed = from.completed;
    c.reviewedBy = copyOf(from.reviewedBy);
    c.reviews = copyOf(from.reviews);
    c.decidedBy = copyOf(from.decidedBy);
    c.decisions = copyOf(from.decisions);
    c.ladder = from.ladder;
    c.raised = from.raised;
    c.lastEventAt = from.lastEventAt;
    c.ladderTimer = from.ladderTimer;
    c.suspensionTimer = from.suspensionTimer;
    c.expiryTimer = from.expiryTimer;
    return c;
  }

  private static List<String> copyOf(List<String> list) {
    return list == null ? null : new ArrayList<>(list);
  }

  @Override
  public CaseState copy(CaseState from, CaseState reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(CaseState s, DataOutputView out) throws IOException {
    out.writeByte((s.itemInCatalogue ? ITEM_IN_CATALOGUE : 0) | (s.received ? RECEIVED : 0)
        | (s.awaitingSupplement ? AWAITING_SUPPLEMENT : 0) | (s.decided ? DECIDED : 0) | (s.completed ? COMPLETED : 0));
    CompactStrings.writeString(s.unitId, out);
    CompactStrings.writeString(s.itemCode, out);
    CompactStrings.writeString(s.receivedBy, out);
    out.writeInt(s.promisedWorkingDays);
    out.writeInt(s.clockStartDay);
    out.writeInt(s.extensionWorkingDays);
    out.writeInt(s.shiftWorkingDays);
    out.writeLong(s.clockChangedAt);
    writeStrings(s.clockEvidence, out);
    out.writeInt(s.suspendedSinceDay);
    out.writeInt(s.suspensions);
    out.writeInt(s.suspendedWorkingDays);
    writeStrings(s.suspensionEvidence, out);
    writeStrings(s.suspendedBy, out);
    writeStrings(s.reviewedBy, out);
    writeStrings(s.reviews, out);
    writeStrings(s.decidedBy, out);
    writeStrings(s.decisions, out);
    out.writeInt(s.ladder);
    out.writeInt(s.raised);
    out.writeLong(s.lastEventAt);
    out.writeLong(s.ladderTimer);
    out.writeLong(s.suspensionTimer);
    out.writeLong(s.expiryTimer);
  }

  @Override
  public CaseState deserialize(DataInputView in) throws IOException {
    CaseState s = new CaseState();
    int flags = in.readUnsignedByte();
    s.itemInCatalogue = (flags & ITEM_IN_CATALOGUE) != 0;
    s.received = (flags & RECEIVED) != 0;
    s.awaitingSupplement = (flags & AWAITING_SUPPLEMENT) != 0;
    s.decided = (flags & DECIDED) != 0;
    s.completed = (flags & COMPLETED) != 0;
    s.unitId = CompactStrings.readString(in);
    s.itemCode = CompactStrings.readString(in);
    s.receivedBy = CompactStrings.readString(in);
    s.promisedWorkingDays = in.readInt();
    s.clockStartDay = in.readInt();
    s.extensionWorkingDays = in.readInt();
    s.shiftWorkingDays = in.readInt();
    s.clockChangedAt = in.readLong();
    s.clockEvidence = readStrings(in);
    s.suspendedSinceDay = in.readInt();
    s.suspensions = in.readInt();
    s.suspendedWorkingDays = in.readInt();
    s.suspensionEvidence = readStrings(in);
    s.suspendedBy = readStrings(in);
    s.reviewedBy = readStrings(in);
    s.reviews = readStrings(in);
    s.decidedBy = readStrings(in);
    s.decisions = readStrings(in);
    s.ladder = in.readInt();
    s.raised = in.readInt();
    s.lastEventAt = in.readLong();
    s.ladderTimer = in.readLong();
    s.suspensionTimer = in.readLong();
    s.expiryTimer = in.readLong();
    return s;
  }

  @Override
  public CaseState deserialize(CaseState reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  /** Size + 1 (0: null), then each string. */
  private static void writeStrings(List<String> list, DataOutputView out) throws IOException {
    if (list == null) {
      CompactStrings.writeVarInt(0, out);
      return;
    }
    CompactStrings.writeVarInt(list.size() + 1, out);
    for (String s : list) {
      CompactStrings.writeString(s, out);
    }
  }

  private static List<String> readStrings(DataInputView in) throws IOException {
    int n = CompactStrings.readVarInt(in) - 1;
    if (n < 0) {
      return null;
    }
    List<String> list = new ArrayList<>(Math.max(n, 4));
    for (int i = 0; i < n; i++) {
      list.add(CompactStrings.readString(in));
    }
    return list;
  }

  @Override
  public TypeSerializerSnapshot<CaseState> snapshotConfiguration() {
    return new Snapshot();
  }

  /** No configuration: the layout is this class's; version 1 is the layout above. */
  public static final class Snapshot implements TypeSerializerSnapshot<CaseState> {
    @Override
    public int getCurrentVersion() {
      return 1;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {}

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
      if (readVersion != 1) {
        throw new IOException("CaseStateSerializer snapshot version " + readVersion + " is newer than this release's 1");
      }
    }

    @Override
    public TypeSerializer<CaseState> restoreSerializer() {
      return INSTANCE;
    }

    @Override
    public TypeSerializerSchemaCompatibility<CaseState> resolveSchemaCompatibility(
        TypeSerializerSnapshot<CaseState> old) {
      if (old instanceof Snapshot) {
        return TypeSerializerSchemaCompatibility.compatibleAsIs();
      }
      // The POJO serializer of releases before this one: its bytes are read by it, then written by this.
      if (old instanceof PojoSerializerSnapshot<CaseState> pojo && madeBy(pojo) == CaseState.class) {
        return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
      }
      return TypeSerializerSchemaCompatibility.incompatible();
    }

    private static Class<?> madeBy(PojoSerializerSnapshot<CaseState> pojo) {
      Object made = pojo.restoreSerializer().createInstance();
      return made == null ? null : made.getClass();
    }
  }
}
