package org.t2trewrite.directory.file;

/**
 * A directory file that cannot be used, with where and why: the message reads
 * {@code <file>:<line>:<column>: <problem>}, the form editors and compilers use, so an operator
 * can jump to the spot. Lines and columns count from 1, columns in characters.
 *
 * <p>Covers the content only. A file that cannot be read at all (missing, no permission) is an
 * {@link java.io.IOException} from whoever reads it.
 */
public final class InvalidDirectoryFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;
    private final String problem;

    public InvalidDirectoryFileException(String file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    /** The file name as it was given to the parser. */
    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** What is wrong, without the location prefix. */
    public String problem() {
        return problem;
    }
}
