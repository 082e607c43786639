package org.diffleak.core.table;

import java.util.Map;
import java.util.Set;

/**
 * What the reader should make of a CSV's columns beyond what it infers: declared types win over
 * inference, dropped columns are skipped (identifiers), and a column of labels with more than maxLevels
 * distinct values is refused rather than modelled as a category.
 */
public record TableSchema(Map<String, ColumnType> declared, Set<String> dropped, int maxLevels) {

    /** The most distinct labels an inferred categorical column may have. */
    public static final int DEFAULT_MAX_LEVELS = 50;

    public TableSchema {
        declared = Map.copyOf(declared);
        dropped = Set.copyOf(dropped);
        if (maxLevels < 2) {
            throw new IllegalArgumentException("a categorical column needs room for at least 2 levels, got " + maxLevels);
        }
        for (String d : dropped) {
            if (declared.containsKey(d)) {
                throw new IllegalArgumentException("column " + d + " is both declared and dropped");
            }
        }
    }

    /** Every column inferred, none dropped. */
    public static TableSchema inferred() {
        return new TableSchema(Map.of(), Set.of(), DEFAULT_MAX_LEVELS);
    }

    public TableSchema dropping(Set<String> columns) {
        return new TableSchema(declared, columns, maxLevels);
    }
}
