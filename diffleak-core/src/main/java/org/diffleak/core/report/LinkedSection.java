package org.diffleak.core.report;

import java.util.List;
import java.util.Objects;

/**
 * A study the audit ran beside membership inference (reconstruction under DP, property inference, gradient
 * inversion): its headline numbers as a small table in the audit page, and a link to its own full report.
 * Plain text, never HTML.
 *
 * @param id the HTML anchor and the key in results.json
 * @param href the full report, relative to the audit's directory
 * @param rows each as long as `columns`
 */
public record LinkedSection(String id, String title, String description, String href, List<String> columns,
        List<List<String>> rows) {

    public LinkedSection {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(href, "href");
        if (!id.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("section id must be lower-case letters, digits and '-', got " + id);
        }
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("section " + id + ": a row has " + row.size() + " cells for "
                        + columns.size() + " columns");
            }
        }
    }
}
