package org.diffleak.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package of any module imports another in a circle (ARCHITECTURE.md, "Packages by domain"): the import graph
 * between packages, read from every module's main sources, has no strongly connected component of two or more.
 */
class PackageCyclesTest {

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(org\\.diffleak\\.[\\w.]+?)\\.[A-Z]",
            Pattern.MULTILINE);

    @Test
    void noPackageImportsAnotherInACircle() throws IOException {
        Map<String, Set<String>> edges = graph(Path.of("..").toAbsolutePath().normalize());
        assertThat(edges).as("packages read").hasSizeGreaterThan(20);
        assertThat(cycles(edges)).isEmpty();
    }

    @Test
    void aCircleIsFound() {
        Map<String, Set<String>> edges = new TreeMap<>();
        edges.put("a", new TreeSet<>(List.of("b")));
        edges.put("b", new TreeSet<>(List.of("c")));
        edges.put("c", new TreeSet<>(List.of("a")));
        edges.put("d", new TreeSet<>(List.of("a")));
        assertThat(cycles(edges)).containsExactly(List.of("a", "b", "c"));
    }

    /** package → the packages its files import, from diffleak-* /src/main/java under root. */
    static Map<String, Set<String>> graph(Path root) throws IOException {
        Map<String, Set<String>> edges = new TreeMap<>();
        List<Path> sources;
        try (Stream<Path> modules = Files.list(root)) {
            sources = modules.filter(m -> m.getFileName().toString().startsWith("diffleak-"))
                    .map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList();
        }
        for (Path src : sources) {
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(f);
                    Matcher pm = PACKAGE.matcher(text);
                    if (!pm.find()) {
                        continue;
                    }
                    Set<String> out = edges.computeIfAbsent(pm.group(1), k -> new TreeSet<>());
                    Matcher im = IMPORT.matcher(text);
                    while (im.find()) {
                        if (!im.group(1).equals(pm.group(1))) {
                            out.add(im.group(1));
                        }
                    }
                }
            }
        }
        return edges;
    }

    /** The strongly connected components of two or more packages (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> found = new ArrayList<>();
        for (String v : edges.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, edges, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> edges, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<List<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, edges, index, low, stack, onStack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                found.add(component);
            }
        }
    }
}
