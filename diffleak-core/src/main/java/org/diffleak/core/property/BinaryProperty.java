package org.diffleak.core.property;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.io.DataException;

/**
 * A binary attribute of one image: membership of its class label in a set of classes (footwear =
 * {sandal, sneaker, ankle boot} of Fashion-MNIST), or one column of a CelebA-style attributes file.
 *
 * @param name how reports and commands call it
 * @param classes the labels that have the property (empty for an attribute column)
 * @param attribute the attribute column that is the property, or null for a class set
 */
public record BinaryProperty(String name, Set<Integer> classes, String attribute) {

    /** Named class sets of Fashion-MNIST (labels 0..9: T-shirt, trouser, pullover, dress, coat, sandal, shirt, sneaker, bag, ankle boot). */
    public static final Map<String, Set<Integer>> FASHION_MNIST = Map.of(
            "footwear", Set.of(5, 7, 9),
            "tops", Set.of(0, 2, 4, 6),
            "trouser", Set.of(1),
            "dress", Set.of(3),
            "bag", Set.of(8));

    private static final String ATTRIBUTE_PREFIX = "attr:";

    public BinaryProperty {
        classes = Set.copyOf(new TreeSet<>(classes));
        if (attribute == null && classes.isEmpty()) {
            throw new IllegalArgumentException("property " + name + " names no class and no attribute");
        }
    }

    /**
     * A property from its name ("footwear", see {@link #FASHION_MNIST}), a comma list of class labels
     * ("5,7,9"), or "attr:COLUMN" for an attributes-file column.
     */
    public static BinaryProperty parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty property; give a name (" + String.join(", ",
                    new TreeSet<>(FASHION_MNIST.keySet())) + "), class labels like 5,7,9, or attr:COLUMN");
        }
        if (s.startsWith(ATTRIBUTE_PREFIX)) {
            String column = s.substring(ATTRIBUTE_PREFIX.length());
            if (column.isEmpty()) {
                throw new IllegalArgumentException("attr: needs a column name, e.g. attr:Smiling");
            }
            return new BinaryProperty(column, Set.of(), column);
        }
        Set<Integer> named = FASHION_MNIST.get(s.toLowerCase(Locale.ROOT));
        if (named != null) {
            return new BinaryProperty(s.toLowerCase(Locale.ROOT), named, null);
        }
        Set<Integer> labels = new TreeSet<>();
        for (String part : s.split(",")) {
            try {
                int y = Integer.parseInt(part.trim());
                if (y < 0) {
                    throw new NumberFormatException();
                }
                labels.add(y);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("unknown property '" + s + "'; give a name (" + String.join(", ",
                        new TreeSet<>(FASHION_MNIST.keySet())) + "), class labels like 5,7,9, or attr:COLUMN");
            }
        }
        return new BinaryProperty("classes " + s.replace(" ", ""), labels, null);
    }

    /** Whether each image of data has the property. */
    public boolean[] of(ImageDataset data) {
        boolean[] out = new boolean[data.size()];
        if (attribute != null) {
            int col = data.attributeNames().indexOf(attribute);
            if (col < 0 || data.attributes() == null) {
                throw new DataException(data.name() + ": no attribute column '" + attribute + "' (has "
                        + data.attributeNames() + ")");
            }
            for (int i = 0; i < out.length; i++) {
                out[i] = data.attributes()[i][col];
            }
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            int y = data.labels()[i];
            if (y < 0) {
                throw new DataException(data.name() + ": image " + i + " is unlabeled; property " + name
                        + " needs class labels");
            }
            out[i] = classes.contains(y);
        }
        return out;
    }

    /** The property of each image as labels 1 (has it) / 0, in a copy of data. */
    public ImageDataset relabel(ImageDataset data) {
        boolean[] has = of(data);
        int[] y = new int[has.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = has[i] ? 1 : 0;
        }
        return new ImageDataset(data.name() + ":" + name, data.channels(), data.height(), data.width(),
                data.pixels(), y, data.attributeNames(), data.attributes());
    }

    /** The share of true values. */
    public static double share(boolean[] has) {
        int k = 0;
        for (boolean b : has) {
            k += b ? 1 : 0;
        }
        return has.length == 0 ? Double.NaN : (double) k / has.length;
    }

    /** Indices of the images with (value true) or without the property. */
    public static List<Integer> indices(boolean[] has, boolean value) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < has.length; i++) {
            if (has[i] == value) {
                out.add(i);
            }
        }
        return out;
    }
}
