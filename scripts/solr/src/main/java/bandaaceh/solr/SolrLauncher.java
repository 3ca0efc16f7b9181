package bandaaceh.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.solr.core.CoreContainer;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs a real, standalone Apache Solr (Jetty + SolrDispatchFilter, the same
 * servlet stack as bin/solr) on 127.0.0.1 for the CKAN portal and its tests.
 *
 * <p>Usage: {@code SolrLauncher <solrHome> <port>}. The cores are discovered
 * from {@code <solrHome>/<core>/core.properties}. The server stops cleanly on
 * SIGTERM/SIGINT (JVM shutdown hook), closing the cores and their indexes.
 *
 * <p>Exit codes: 0 after a normal stop, 2 bad arguments, 3 Jetty/Solr did not
 * start (e.g. port in use), 4 a core failed to load (see solr.log).
 */
public final class SolrLauncher {

  // strong reference: JUL keeps loggers weakly, a GC would drop the level
  private static final Logger JUL_ROOT = Logger.getLogger("");

  private SolrLauncher() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: SolrLauncher <solrHome> <port>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath().normalize();
    int port = Integer.parseInt(args[1]);
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      System.err.println("SolrLauncher: no solr.xml in " + home);
      System.exit(2);
    }

    // Jersey (Solr's v2 API) logs through java.util.logging to stderr; keep
    // only its errors. Everything else goes through log4j2 to solr.log.
    if (System.getProperty("java.util.logging.config.file") == null) {
      JUL_ROOT.setLevel(Level.SEVERE);
    }

    JettyConfig config =
        JettyConfig.builder()
            .setPort(port)
            .setContext("/solr")
            .stopAtShutdown(false) // our own hook below stops Solr, then Jetty
            .waitForLoadingCoresToFinish(120_000L)
            .build();
    JettySolrRunner runner = new JettySolrRunner(home.toString(), new Properties(), config);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    if (runner.isRunning()) {
                      System.out.println("SolrLauncher: stopping");
                      runner.stop();
                    }
                  } catch (Exception e) {
                    e.printStackTrace();
                  } finally {
                    stopped.countDown();
                  }
                },
                "solr-launcher-shutdown"));

    long t0 = System.nanoTime();
    try {
      runner.start();
    } catch (Exception e) {
      System.err.println("SolrLauncher: failed to start on 127.0.0.1:" + port + ": " + e);
      System.exit(3);
    }

    CoreContainer cc = runner.getCoreContainer();
    Map<String, CoreContainer.CoreLoadFailure> failures =
        cc == null ? Map.of() : cc.getCoreInitFailures();
    if (cc == null || !failures.isEmpty()) {
      System.err.println("SolrLauncher: core(s) failed to load (details in solr.log):");
      failures.forEach((name, f) -> System.err.println("  " + name + ": " + rootMessage(f.exception)));
      System.exit(4);
    }

    System.out.printf(
        "SolrLauncher: Solr %s up at %s (home %s, cores %s) in %d ms%n",
        org.apache.solr.client.api.util.SolrVersion.LATEST,
        runner.getBaseUrl(),
        home,
        cc.getLoadedCoreNames(),
        (System.nanoTime() - t0) / 1_000_000);
    System.out.flush();

    stopped.await(); // until the shutdown hook has run
  }

  private static String rootMessage(Throwable t) {
    StringBuilder sb = new StringBuilder(String.valueOf(t));
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      sb.append(" <- ").append(c);
    }
    return sb.toString();
  }
}
