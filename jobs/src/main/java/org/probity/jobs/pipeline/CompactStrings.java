package org.probity.jobs.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Strings and lengths as our own serializers write them: a string as its UTF-8 bytes in one write
 * behind its length + 1 (0: null), a length as a variable-length int. Flink's string serializer
 * takes a call per character.
 */
public final class CompactStrings {
  private CompactStrings() {}

  public static void writeString(String s, DataOutputView out) throws IOException {
    if (s == null) {
      writeVarInt(0, out);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    writeVarInt(bytes.length + 1, out);
    out.write(bytes);
  }

  public static String readString(DataInputView in) throws IOException {
    int n = readVarInt(in) - 1;
    if (n < 0) {
      return null;
    }
    byte[] bytes = new byte[n];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public static void writeVarInt(int v, DataOutputView out) throws IOException {
    while ((v & ~0x7F) != 0) {
      out.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  public static int readVarInt(DataInputView in) throws IOException {
    int v = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
  }
}
