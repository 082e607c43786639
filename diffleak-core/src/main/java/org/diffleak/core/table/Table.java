package org.diffleak.core.table;

import java.util.ArrayList;
import java.util.List;

/**
 * A typed table: named columns of equal length, each numeric or categorical, in file order.
 *
 * @param name where the rows came from (a file name), for messages and reports
 */
public record Table(String name, List<Column> columns) {

    public Table {
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(name + ": a table needs at least one column");
        }
        int n = columns.get(0).size();
        for (Column c : columns) {
            if (c.size() != n) {
                throw new IllegalArgumentException(name + ": column " + c.name() + " has " + c.size()
                        + " rows, column " + columns.get(0).name() + " has " + n);
            }
        }
    }

    public int rows() {
        return columns.get(0).size();
    }

    public Column column(String columnName) {
        for (Column c : columns) {
            if (c.name().equals(columnName)) {
                return c;
            }
        }
        throw new IllegalArgumentException(name + ": no column named '" + columnName + "'; columns: "
                + String.join(", ", names()));
    }

    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    public List<NumericColumn> numeric() {
        List<NumericColumn> out = new ArrayList<>();
        for (Column c : columns) {
            if (c instanceof NumericColumn n) {
                out.add(n);
            }
        }
        return out;
    }

    public List<CategoricalColumn> categorical() {
        List<CategoricalColumn> out = new ArrayList<>();
        for (Column c : columns) {
            if (c instanceof CategoricalColumn k) {
                out.add(k);
            }
        }
        return out;
    }

    /** The given rows, in that order (rows may repeat). */
    public Table select(int[] rowIndices) {
        return new Table(name, columns.stream().map(c -> c.select(rowIndices)).toList());
    }
}
