package org.diffleak.core.table;

/** One column of a {@link Table}: numbers, or labels coded as level indices. */
public sealed interface Column permits NumericColumn, CategoricalColumn {

    String name();

    /** Rows in the column. */
    int size();

    /** The column restricted to the given rows, in that order (rows may repeat). */
    Column select(int[] rows);

    /** The value of one row as CSV text. */
    String text(int row);
}
