package org.t2trewrite.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one setup step found, line by line, and what the operator does next: checks that hold
 * ({@code ok}), warnings that do not fail the step, problems that do (one line each on stderr),
 * and the next steps. A step's exit code is 0 without problems and 1 with any.
 *
 * <p>Not thread safe: one report per run of a step.
 */
final class SetupReport {
    enum Status {
        OK, WARNINGS, FAILED
    }

    private final String step;
    private final String prefix;
    private final PrintWriter out;
    private final PrintWriter err;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> next = new ArrayList<>();

    SetupReport(String step, PrintWriter out, PrintWriter err) {
        this(step, "", out, err);
    }

    /**
     * A report whose stdout lines start with {@code prefix}: {@code "# "} keeps them PowerShell
     * comments when the step's output is a script.
     */
    SetupReport(String step, String prefix, PrintWriter out, PrintWriter err) {
        this.step = step;
        this.prefix = prefix;
        this.out = out;
        this.err = err;
    }

    /** A line of the step's product (a script), printed as it is. */
    void print(String line) {
        out.println(line);
        out.flush();
    }

    void ok(String line) {
        out.println(prefix + "ok: " + line);
        out.flush();
    }

    void info(String line) {
        out.println(prefix + line);
        out.flush();
    }

    void warn(String line) {
        warnings.add(line);
        out.println(prefix + "warning: " + line);
        out.flush();
    }

    void problem(String line) {
        problems.add(line);
        err.println("t2t-rewrite setup " + step + ": " + line);
        err.flush();
    }

    void next(String line) {
        next.add(line);
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    Status status() {
        return !problems.isEmpty() ? Status.FAILED : !warnings.isEmpty() ? Status.WARNINGS : Status.OK;
    }

    /** The first of the next steps, for {@code setup all}'s summary. */
    Optional<String> firstNext() {
        return next.stream().findFirst();
    }

    String step() {
        return step;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** A problem found by a tool that printed it already (graph-check): counted, not printed again. */
    void problemReported(String line) {
        problems.add(line);
    }

    /** Prints the next steps and returns the exit code: 0 without problems, 1 with any. */
    int finish() {
        if (!problems.isEmpty()) {
            out.println(prefix + step + ": " + problems.size() + " problem(s), listed on stderr");
        }
        for (String line : next) {
            out.println(prefix + "next: " + line);
        }
        out.flush();
        return problems.isEmpty() ? 0 : T2tRewriteCli.FAILED;
    }
}
