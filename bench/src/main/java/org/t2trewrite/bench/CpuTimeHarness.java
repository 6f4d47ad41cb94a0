package org.t2trewrite.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time per signed message, the figure the target is stated in ("no more CPU per
 * message than stock DKIMSign"). Wall-clock JMH results swing widely on a shared 2-core machine;
 * the thread's own CPU time does not count time spent waiting for a core. The variants run
 * round-robin in one JVM after a warm-up, so they share every condition; prints the median and
 * the mean CPU microseconds per operation, the baseline (parse and serialise only) included, and
 * each variant minus the baseline median.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar org.t2trewrite.bench.CpuTimeHarness [ops]}
 */
public final class CpuTimeHarness {
    private interface Op {
        long run() throws Exception;
    }

    private CpuTimeHarness() {
    }

    public static void main(String[] args) throws Exception {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int size : new int[] {4096, 1048576}) {
            DkimSignBenchmark bench = new DkimSignBenchmark();
            bench.size = size;
            bench.setUp();
            Map<String, Op> variants = new LinkedHashMap<>();
            variants.put("baseline (parse + serialise)", bench::baseline);
            variants.put("stock DKIMSign RSA-2048", bench::stockDkimSignRsa2048);
            variants.put("ours RSA-2048 (auto: ACCP)", bench::oursRsa2048);
            variants.put("ours RSA-2048 (rsaProvider=jdk)", bench::oursRsa2048Jdk);
            variants.put("ours Ed25519", bench::oursEd25519);
            variants.put("ours RSA-2048 + Ed25519", bench::oursRsa2048AndEd25519);
            int count = size > 100_000 ? Math.max(50, ops / 10) : ops;
            Map<String, long[]> samples = new LinkedHashMap<>();
            variants.keySet().forEach(name -> samples.put(name, new long[count]));
            long sink = 0;
            for (int round = -count / 2; round < count; round++) {
                for (Map.Entry<String, Op> variant : variants.entrySet()) {
                    long start = threads.getCurrentThreadCpuTime();
                    sink += variant.getValue().run();
                    long cpu = threads.getCurrentThreadCpuTime() - start;
                    if (round >= 0) {
                        samples.get(variant.getKey())[round] = cpu;
                    }
                }
            }
            bench.tearDown();
            System.out.printf("message %d bytes, %d ops per variant after %d warm-up rounds (checksum %d)%n", size, count, count / 2, sink);
            double baseline = median(samples.get("baseline (parse + serialise)"));
            for (Map.Entry<String, long[]> entry : samples.entrySet()) {
                double median = median(entry.getValue());
                System.out.printf("  %-32s median %9.1f us CPU  mean %9.1f us CPU  minus baseline %9.1f us%n",
                    entry.getKey(), median / 1000, Arrays.stream(entry.getValue()).average().orElse(0) / 1000,
                    (median - baseline) / 1000);
            }
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }
}
