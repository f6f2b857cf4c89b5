package org.probity.jobs.pipeline;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;

/**
 * The type of an event stream between operators (a network exchange, or a chained hop's copy): the
 * record's fields in schema order behind one word of null flags, strings as UTF-8 bytes, instants as
 * epoch milliseconds, enums as their ordinal. Avro's own serializer resolves each union and goes
 * through Avro's {@code Utf8} for each string, on both sides of every exchange.
 *
 * <p>For streams only, never for state: a state keeps {@code TypeInformation.of(type)} (Avro, whose
 * schema evolution a savepoint relies on). The schema's fingerprint is in the snapshot, so a stream
 * persisted with one schema (an unaligned checkpoint's in-flight records) is not read with another.
 */
public final class ExchangeType<T extends SpecificRecordBase> extends TypeInformation<T> {
  private static final long serialVersionUID = 1L;
  public static final ExchangeType<ApprovalEvent> APPROVAL = new ExchangeType<>(ApprovalEvent.class);
  public static final ExchangeType<PaymentEvent> PAYMENT = new ExchangeType<>(PaymentEvent.class);
  public static final ExchangeType<ProcurementEvent> PROCUREMENT = new ExchangeType<>(ProcurementEvent.class);
  public static final ExchangeType<DecisionEvent> DECISION = new ExchangeType<>(DecisionEvent.class);
  /** The four event streams' types. */
  public static final List<ExchangeType<?>> EVENTS = List.of(APPROVAL, PAYMENT, PROCUREMENT, DECISION);

  private final Class<T> type;

  private ExchangeType(Class<T> type) {
    this.type = type;
  }

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<T> getTypeClass() {
    return type;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return new Serializer<>(type);
  }

  @Override
  public String toString() {
    return "ExchangeType<" + type.getSimpleName() + ">";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExchangeType<?> other && other.type == type;
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof ExchangeType;
  }

  /** The fields of a record, as the schema orders them. */
  static final class Serializer<T extends SpecificRecordBase> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;
    private static final int STRING = 0;
    private static final int LONG = 1;
    private static final int INT = 2;
    private static final int INSTANT = 3;
    private static final int ENUM = 4;

    private final Class<T> type;
    private transient Constructor<T> constructor;
    /** Per field: its kind, whether it may be null, and an enum's constants. */
    private transient int[] kinds;
    private transient boolean[] nullable;
    private transient Object[][] constants;

    Serializer(Class<T> type) {
      this.type = type;
    }

    static Schema schemaOf(Class<?> type) {
      return SpecificData.get().getSchema(type);
    }

    private void plan() {
      if (kinds != null) {
        return;
      }
      List<Schema.Field> fields = schemaOf(type).getFields();
      if (fields.size() > 63) {
        throw new IllegalArgumentException(type.getName() + " has more fields than one word of null flags holds");
      }
      int[] k = new int[fields.size()];
      boolean[] n = new boolean[fields.size()];
      Object[][] c = new Object[fields.size()][];
      for (int i = 0; i < k.length; i++) {
        Schema s = fields.get(i).schema();
        if (s.getType() == Schema.Type.UNION) {
          List<Schema> branches = s.getTypes();
          if (branches.size() != 2 || branches.get(0).getType() != Schema.Type.NULL) {
            throw unsupported(fields.get(i));
          }
          n[i] = true;
          s = branches.get(1);
        }
        switch (s.getType()) {
          case STRING -> k[i] = STRING;
          case INT -> k[i] = INT;
          case LONG -> k[i] = s.getLogicalType() instanceof LogicalTypes.TimestampMillis ? INSTANT
              : s.getLogicalType() == null ? LONG : -1;
          case ENUM -> {
            k[i] = ENUM;
            // The record's own class loader: in a cluster, Avro may be loaded by a parent of the job's.
            c[i] = new SpecificData(type.getClassLoader()).getClass(s).getEnumConstants();
          }
          default -> k[i] = -1;
        }
        if (k[i] < 0) {
          throw unsupported(fields.get(i));
        }
      }
      try {
        constructor = type.getConstructor();
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException(type.getName() + " has no public constructor without arguments", e);
      }
      constants = c;
      nullable = n;
      kinds = k;
    }

    private IllegalArgumentException unsupported(Schema.Field f) {
      return new IllegalArgumentException(type.getSimpleName() + "." + f.name() + " is of a type ExchangeType does not write: "
          + f.schema());
    }

    @Override
    public boolean isImmutableType() {
      return false;
    }

    @Override
    public TypeSerializer<T> duplicate() {
      return new Serializer<>(type);
    }

    @Override
    public T createInstance() {
      plan();
      try {
        return constructor.newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot create a " + type.getName(), e);
      }
    }

    @Override
    public T copy(T from) {
      // Every field is immutable (strings, boxed numbers, instants, enums): a copy of the fields is a deep copy.
      T c = createInstance();
      for (int i = 0; i < kinds.length; i++) {
        c.put(i, from.get(i));
      }
      return c;
    }

    @Override
    public T copy(T from, T reuse) {
      return copy(from);
    }

    @Override
    public int getLength() {
      return -1;
    }

    @Override
    public void serialize(T record, DataOutputView out) throws IOException {
      plan();
      long nulls = 0;
      for (int i = 0; i < kinds.length; i++) {
        if (record.get(i) == null) {
          if (!nullable[i]) {
            throw new IOException(type.getSimpleName() + "." + schemaOf(type).getFields().get(i).name()
                + " is null but not optional");
          }
          nulls |= 1L << i;
        }
      }
      out.writeLong(nulls);
      for (int i = 0; i < kinds.length; i++) {
        Object v = record.get(i);
        if (v == null) {
          continue;
        }
        switch (kinds[i]) {
          case STRING -> CompactStrings.writeString((String) v, out);
          case LONG -> out.writeLong((Long) v);
          case INT -> out.writeInt((Integer) v);
          case INSTANT -> out.writeLong(((Instant) v).toEpochMilli());
          default -> out.writeByte(((Enum<?>) v).ordinal());
        }
      }
    }

    @Override
    public T deserialize(DataInputView in) throws IOException {
      T record = createInstance();
      long nulls = in.readLong();
      for (int i = 0; i < kinds.length; i++) {
        if ((nulls & (1L << i)) != 0) {
          continue;
        }
        record.put(i, switch (kinds[i]) {
          case STRING -> CompactStrings.readString(in);
          case LONG -> in.readLong();
          case INT -> in.readInt();
          case INSTANT -> Instant.ofEpochMilli(in.readLong());
          default -> constants[i][in.readUnsignedByte()];
        });
      }
      return record;
    }

    @Override
    public T deserialize(T reuse, DataInputView in) throws IOException {
      return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
      serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Serializer<?> other && other.type == type;
    }

    @Override
    public int hashCode() {
      return type.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
      return new Snapshot<>(type);
    }
  }

  /** The record class and its schema's fingerprint. */
  public static final class Snapshot<T extends SpecificRecordBase> implements TypeSerializerSnapshot<T> {
    private Class<T> type;
    private long fingerprint;

    /** For reading a snapshot. */
    public Snapshot() {}

    Snapshot(Class<T> type) {
      this.type = type;
      this.fingerprint = SchemaNormalization.parsingFingerprint64(Serializer.schemaOf(type));
    }

    @Override
    public int getCurrentVersion() {
      return 1;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
      out.writeUTF(type.getName());
      out.writeLong(fingerprint);
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader loader) throws IOException {
      String name = in.readUTF();
      try {
        @SuppressWarnings("unchecked")
        Class<T> c = (Class<T>) Class.forName(name, false, loader);
        type = c;
      } catch (ClassNotFoundException e) {
        throw new IOException("the record class " + name + " of an exchange is not in this release", e);
      }
      fingerprint = in.readLong();
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
      return new Serializer<>(type);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
      return old instanceof Snapshot<T> before && before.type == type && before.fingerprint == fingerprint
          ? TypeSerializerSchemaCompatibility.compatibleAsIs()
          : TypeSerializerSchemaCompatibility.incompatible();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Snapshot<?> other && other.type == type && other.fingerprint == fingerprint;
    }

    @Override
    public int hashCode() {
      return Objects.hash(type, fingerprint);
    }
  }
}
