package org.t2trewrite.core.calendar;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One logical content line (RFC 5545 §3.1) as physical bytes: where it starts and ends in the
 * calendar (final line ending included) and where each of its physical lines' content ends.
 * A physical line starting with SP or HTAB continues the line before it; a line ends at LF,
 * with a CR before it belonging to the line ending. A bare CR is content.
 */
final class ContentLine {
    private final int start;
    private final int end;
    /** Per physical line: start, end of content (before CR LF), end (after the line ending). */
    private final List<int[]> physical;

    private ContentLine(int start, int end, List<int[]> physical) {
        this.start = start;
        this.end = end;
        this.physical = physical;
    }

    /** Splits {@code content} into logical lines that together are exactly its bytes. */
    static List<ContentLine> split(byte[] content) {
        List<ContentLine> lines = new ArrayList<>();
        List<int[]> current = null;
        int position = 0;
        while (position < content.length) {
            int lineEnd = position;
            while (lineEnd < content.length && content[lineEnd] != '\n') {
                lineEnd++;
            }
            int contentEnd = lineEnd;
            if (lineEnd < content.length) {
                if (lineEnd > position && content[lineEnd - 1] == '\r') {
                    contentEnd--;
                }
                lineEnd++;
            }
            boolean continuation = current != null && (content[position] == ' ' || content[position] == '\t');
            if (!continuation) {
                if (current != null) {
                    lines.add(of(current));
                }
                current = new ArrayList<>(1);
            }
            current.add(new int[] {position, contentEnd, lineEnd});
            position = lineEnd;
        }
        if (current != null) {
            lines.add(of(current));
        }
        return lines;
    }

    private static ContentLine of(List<int[]> physical) {
        return new ContentLine(physical.get(0)[0], physical.get(physical.size() - 1)[2], physical);
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    boolean isFolded() {
        return physical.size() > 1;
    }

    /** The logical line's bytes: every physical line's content, each continuation without its first SP or HTAB. */
    byte[] unfolded(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(end - start);
        for (int i = 0; i < physical.size(); i++) {
            int[] line = physical.get(i);
            int from = i == 0 ? line[0] : line[0] + 1;
            out.write(content, from, line[1] - from);
        }
        return out.toByteArray();
    }

    /** The fold character of the first continuation line: SP or HTAB (Outlook desktop). */
    byte foldCharacter(byte[] content) {
        return isFolded() ? content[physical.get(1)[0]] : (byte) ' ';
    }

    /** The line ending of the first physical line; empty when the line is the last and has none. */
    String firstLineEnding(byte[] content) {
        return ending(content, physical.get(0));
    }

    /** The line ending after the last physical line; empty at the end of input without one. */
    String lastLineEnding(byte[] content) {
        return ending(content, physical.get(physical.size() - 1));
    }

    private static String ending(byte[] content, int[] line) {
        return line[2] - line[1] == 2 ? "\r\n" : line[2] - line[1] == 1 ? "\n" : "";
    }
}
