package io.veryfikeys.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Median and spread of a few runs. */
record Stats(double median, double min, double max, int n) {
    static <T> Stats of(List<T> items, ToDoubleFunction<T> value) {
        double[] v = items.stream().mapToDouble(value).sorted().toArray();
        if (v.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double median =
                v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Stats(median, v[0], v[v.length - 1], v.length);
    }

    static Stats of(double... values) {
        return of(Arrays.stream(values).boxed().toList(), Double::doubleValue);
    }

    String ms() {
        if (n == 0) {
            return "n/a";
        }
        return n == 1
                ? fmt(median) + " ms"
                : fmt(median) + " ms (" + fmt(min) + "–" + fmt(max) + ")";
    }

    static String fmt(double v) {
        return v >= 100
                ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v);
    }
}
