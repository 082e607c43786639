package org.diffleak.core.table;

import java.util.Locale;
import org.diffleak.core.io.DataException;

/**
 * A binary property of a table row, the global property whose share property inference estimates:
 * COLUMN=VALUE (a categorical level, or an exact number) or a threshold on a numeric column (COLUMN&gt;x,
 * COLUMN&gt;=x, COLUMN&lt;x, COLUMN&lt;=x).
 *
 * @param column the column it reads
 * @param op one of "=", "&gt;", "&gt;=", "&lt;", "&lt;="
 * @param value the level or the number, as written
 */
public record TableProperty(String column, String op, String value) {

    public TableProperty {
        if (!(op.equals("=") || op.equals(">") || op.equals(">=") || op.equals("<") || op.equals("<="))) {
            throw new IllegalArgumentException("property operator must be =, >, >=, < or <=, got " + op);
        }
    }

    /** Parses COLUMN=VALUE, COLUMN&gt;x, COLUMN&gt;=x, COLUMN&lt;x or COLUMN&lt;=x. */
    public static TableProperty parse(String text) {
        int i = 0;
        while (i < text.length() && "=<>".indexOf(text.charAt(i)) < 0) {
            i++;
        }
        int j = i;
        while (j < text.length() && "=<>".indexOf(text.charAt(j)) >= 0) {
            j++;
        }
        String col = text.substring(0, i).strip();
        String op = text.substring(i, j);
        String val = text.substring(j).strip();
        if (col.isEmpty() || val.isEmpty() || !(op.equals("=") || op.equals(">") || op.equals(">=") || op.equals("<")
                || op.equals("<="))) {
            throw new IllegalArgumentException("a table property is COLUMN=VALUE or COLUMN>x, COLUMN>=x, COLUMN<x,"
                    + " COLUMN<=x; got '" + text + "'");
        }
        if (!op.equals("=")) {
            number(val, text);
        }
        return new TableProperty(col, op, val);
    }

    /** The property as written, e.g. female=1. */
    public String name() {
        return column + op + value;
    }

    /** Whether the property is a threshold on a numeric column (rather than a level or a value). */
    public boolean threshold() {
        return !op.equals("=");
    }

    /**
     * Whether each row of the table has the property; an unknown column, a level the column lacks or a
     * threshold on a categorical column is one line naming the table.
     */
    public boolean[] evaluate(Table table) {
        Column c = column(table);
        boolean[] out = new boolean[table.rows()];
        if (c instanceof CategoricalColumn k) {
            int level = level(table.name(), k);
            for (int i = 0; i < out.length; i++) {
                out[i] = k.codes()[i] == level;
            }
        } else {
            double[] v = ((NumericColumn) c).values();
            for (int i = 0; i < out.length; i++) {
                out[i] = holds(v[i]);
            }
        }
        return out;
    }

    /** Evaluates on the table and requires rows both with and without the property. */
    public boolean[] evaluateBothValues(Table table) {
        boolean[] has = evaluate(table);
        int k = 0;
        for (boolean h : has) {
            k += h ? 1 : 0;
        }
        if (k == 0 || k == has.length) {
            throw new DataException(table.name() + ": property " + name() + " holds for " + (k == 0 ? "no" : "every")
                    + " row, so it has no share to infer");
        }
        return has;
    }

    /** Whether a numeric value has the property. */
    public boolean holds(double x) {
        double v = number(value, name());
        return switch (op) {
            case "=" -> x == v;
            case ">" -> x > v;
            case ">=" -> x >= v;
            case "<" -> x < v;
            default -> x <= v;
        };
    }

    /** The level index of a categorical property in the given levels, or an error naming the levels. */
    public int level(String tableName, CategoricalColumn k) {
        if (threshold()) {
            throw new DataException(tableName + ": column " + column + " is categorical; a threshold needs a numeric"
                    + " column (use " + column + "=LEVEL)");
        }
        int level = k.levels().indexOf(value);
        if (level < 0) {
            throw new DataException(tableName + ": column " + column + " has no value '" + value + "'; its values: "
                    + String.join(", ", k.levels()));
        }
        return level;
    }

    private Column column(Table table) {
        if (!table.names().contains(column)) {
            throw new DataException(table.name() + ": no column named '" + column + "' for property " + name()
                    + "; columns: " + String.join(", ", table.names()));
        }
        return table.column(column);
    }

    private static double number(String v, String context) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "property %s: '%s' is not a number", context,
                    v));
        }
    }
}
