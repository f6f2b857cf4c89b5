package org.probity.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The median of repeated measurements with their range: what every figure of the table is. */
record Spread(double median, double min, double max, int n) {
  static <T> Spread of(List<T> samples, ToDoubleFunction<T> metric) {
    double[] values = samples.stream().mapToDouble(metric).sorted().toArray();
    if (values.length == 0) {
      return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    int mid = values.length / 2;
    double median = values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    return new Spread(median, values[0], values[values.length - 1], values.length);
  }

  static Spread of(double... values) {
    return of(Arrays.stream(values).boxed().toList(), Double::doubleValue);
  }

  /** {@code 12,300 (11,900–12,800, n=5)}; {@code digits} after the point. */
  String format(int digits) {
    if (n == 0) {
      return "—";
    }
    String f = "%,." + digits + "f";
    return String.format(f, median) + (n == 1 ? " (n=1)"
        : " (" + String.format(f, min) + "–" + String.format(f, max) + ", n=" + n + ")");
  }
}
