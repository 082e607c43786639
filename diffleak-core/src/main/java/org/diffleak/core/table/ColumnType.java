package org.diffleak.core.table;

/** How a column is modelled: as a number (Gaussian diffusion) or as a label (multinomial diffusion). */
public enum ColumnType {
    NUMERIC,
    CATEGORICAL
}
