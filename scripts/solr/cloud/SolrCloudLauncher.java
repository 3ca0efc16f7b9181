package bandaaceh.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.cloud.ZkTestServer;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs a real SolrCloud on 127.0.0.1 in one JVM: an embedded ZooKeeper and N Solr nodes
 * (Jetty + SolrDispatchFilter each, on their own port), through solr-test-framework's
 * {@link MiniSolrCloudCluster}. Uploads one configset and creates the collections with one
 * shard and one replica per node.
 *
 * <p>Usage: {@code SolrCloudLauncher <baseDir> <configsetDir> <zkPort> <port,port,...>
 * <collection,collection,...>}. {@code baseDir} is wiped on start (ZooKeeper data and node
 * homes are not kept: reindex after a start).
 *
 * <p>Node control, for fault tests: create an empty file {@code <baseDir>/control/stop-<port>}
 * or {@code start-<port>}; the launcher stops or restarts that node, deletes the file and
 * writes {@code <baseDir>/control/state-<port>} ("up" or "down").
 *
 * <p>Exit codes: 0 after a normal stop (SIGTERM/SIGINT), 2 bad arguments, 3 the cluster did not
 * start, 4 a collection could not be created.
 */
public final class SolrCloudLauncher {

  private static final Logger JUL_ROOT = Logger.getLogger("");
  private static final String CONFIGSET = "ckan";
  private static final int ACTIVE_TIMEOUT_S = 120;

  private SolrCloudLauncher() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println(
          "usage: SolrCloudLauncher <baseDir> <configsetDir> <zkPort> <port,port,...> <collection,...>");
      System.exit(2);
    }
    Path base = Path.of(args[0]).toAbsolutePath().normalize();
    Path configset = Path.of(args[1]).toAbsolutePath().normalize();
    int zkPort = Integer.parseInt(args[2]);
    List<Integer> ports = new ArrayList<>();
    for (String p : args[3].split(",")) ports.add(Integer.parseInt(p.trim()));
    String[] collections = args[4].split(",");
    if (!Files.isRegularFile(configset.resolve("solrconfig.xml"))
        || !Files.isRegularFile(configset.resolve("schema.xml"))) {
      System.err.println("SolrCloudLauncher: no solrconfig.xml/schema.xml in " + configset);
      System.exit(2);
    }
    if (System.getProperty("java.util.logging.config.file") == null) {
      JUL_ROOT.setLevel(Level.SEVERE);
    }

    Path control = base.resolve("control");
    Files.createDirectories(control);
    long t0 = System.nanoTime();
    MiniSolrCloudCluster cluster;
    List<JettySolrRunner> nodes = new ArrayList<>();
    try {
      ZkTestServer zk = new ZkTestServer(base.resolve("zookeeper"), zkPort);
      zk.run(false);
      cluster =
          new MiniSolrCloudCluster(
              0, base, MiniSolrCloudCluster.DEFAULT_CLOUD_SOLR_XML,
              JettyConfig.builder().build(), zk, true);
      for (int port : ports) {
        JettyConfig config =
            JettyConfig.builder().setPort(port).setContext("/solr").stopAtShutdown(false).build();
        nodes.add(cluster.startJettySolrRunner("node-" + port, "/solr", config));
      }
      cluster.waitForAllNodes(ACTIVE_TIMEOUT_S);
    } catch (Exception e) {
      System.err.println("SolrCloudLauncher: the cluster did not start: " + e);
      e.printStackTrace();
      System.exit(3);
      return;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    System.out.println("SolrCloudLauncher: stopping");
                    cluster.shutdown();
                  } catch (Exception e) {
                    e.printStackTrace();
                  } finally {
                    stopped.countDown();
                  }
                },
                "solr-cloud-launcher-shutdown"));

    try {
      cluster.uploadConfigSet(configset, CONFIGSET);
      for (String name : collections) {
        CollectionAdminRequest.createCollection(name, CONFIGSET, 1, nodes.size())
            .process(cluster.getSolrClient());
        cluster.waitForActiveCollection(name, ACTIVE_TIMEOUT_S, TimeUnit.SECONDS, 1, nodes.size());
      }
    } catch (Exception e) {
      System.err.println("SolrCloudLauncher: creating the collections failed: " + e);
      e.printStackTrace();
      System.exit(4);
      return;
    }
    for (JettySolrRunner node : nodes) writeState(control, node.getLocalPort(), "up");

    System.out.printf(
        "SolrCloudLauncher: SolrCloud up (ZooKeeper %s, nodes %s, collections %s, %d replicas each) in %d ms%n",
        cluster.getZkServer().getZkAddress(), ports, String.join(",", collections), nodes.size(),
        (System.nanoTime() - t0) / 1_000_000);
    System.out.flush();

    while (!stopped.await(200, TimeUnit.MILLISECONDS)) {
      for (int i = 0; i < nodes.size(); i++) {
        int port = ports.get(i);
        JettySolrRunner node = nodes.get(i);
        try {
          if (Files.deleteIfExists(control.resolve("stop-" + port)) && node.isRunning()) {
            cluster.stopJettySolrRunner(node);
            cluster.waitForJettyToStop(node);
            writeState(control, port, "down");
            System.out.println("SolrCloudLauncher: node " + port + " stopped");
          }
          if (Files.deleteIfExists(control.resolve("start-" + port)) && !node.isRunning()) {
            cluster.startJettySolrRunner(node, true);
            cluster.waitForNode(node, ACTIVE_TIMEOUT_S);
            for (String name : collections) {
              cluster.waitForActiveCollection(
                  name, ACTIVE_TIMEOUT_S, TimeUnit.SECONDS, 1, nodes.size());
            }
            writeState(control, port, "up");
            System.out.println("SolrCloudLauncher: node " + port + " started");
          }
        } catch (Exception e) {
          System.err.println("SolrCloudLauncher: node control on " + port + " failed: " + e);
          e.printStackTrace();
          writeState(control, port, "error");
        }
        System.out.flush();
      }
    }
  }

  private static void writeState(Path control, int port, String state) {
    try {
      Path tmp = control.resolve("state-" + port + ".tmp");
      Files.writeString(tmp, state + "\n");
      Files.move(tmp, control.resolve("state-" + port),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (Exception e) {
      System.err.println("SolrCloudLauncher: cannot write state of " + port + ": " + e);
    }
  }
}
