import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local exactly as its own {@code ServerRunner} does, but listening on 127.0.0.1 only.
 *
 * <p>Why this exists: DynamoDB Local (3.x) has no host option. {@code DynamoDBProxyServer} builds
 * {@code new org.eclipse.jetty.server.Server(port)}, whose single {@code ServerConnector} has no host, so Jetty binds the
 * wildcard address (every interface). Jetty honours no system property for the default host either. The least fragile
 * fix is therefore to build the server with DynamoDB Local's own public factory
 * ({@code ServerRunner.createServerFromCommandLineArgs}, so every command-line option keeps its meaning), set the host
 * of its connectors before {@code start()}, and check after start that nothing listens on a non-loopback address.
 *
 * <p>The Jetty server sits in a private field of {@code DynamoDBProxyServer}: it is found by its type, not its name, so a
 * renamed field still works; if DynamoDB Local ever stops holding one Jetty server with network connectors, this
 * launcher fails loudly rather than silently listening on every interface.
 *
 * <p>By hand, run it with Java's single-file source launch (JDK 17+: needs the {@code jdk.compiler} module), from the
 * folder that holds the jar, with the same arguments as {@code java -jar DynamoDBLocal.jar}:
 *
 * <pre>
 * java -Djava.library.path=DynamoDBLocal_lib -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java -inMemory -port 8000
 * </pre>
 *
 * (The jar's manifest {@code Class-Path} brings in {@code DynamoDBLocal_lib/*}, as with {@code -jar}.) sundial's
 * {@code startDynamoDbLocal()} compiles it once instead ({@code compiled-classes.ts}) and runs the cached class, since a
 * source launch recompiles on every start.
 */
public final class LoopbackDynamoDbLocal {
  static final String LOOPBACK = "127.0.0.1";
  /** Printed once the server listens on loopback only; {@code dynamodb-local.ts} waits for this exact line. */
  static final String READY_LINE = "LoopbackDynamoDbLocal: listening on 127.0.0.1 only";

  private LoopbackDynamoDbLocal() {}

  public static void main(String[] args) throws Exception {
    // Parses and validates the arguments the way `java -jar DynamoDBLocal.jar` does (it also prints the same banner).
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Server jetty = jettyServerOf(proxy);
    List<ServerConnector> connectors = new ArrayList<>();
    for (Connector connector : jetty.getConnectors()) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException(
            "DynamoDB Local uses a Jetty connector of type " + connector.getClass().getName()
                + "; expected only org.eclipse.jetty.server.ServerConnector. Update LoopbackDynamoDbLocal.java for the"
                + " new DynamoDB Local version.");
      }
      ServerConnector serverConnector = (ServerConnector) connector;
      serverConnector.setHost(LOOPBACK);
      connectors.add(serverConnector);
    }
    if (connectors.isEmpty()) {
      throw new IllegalStateException(
          "DynamoDB Local's Jetty server has no connector to bind to " + LOOPBACK
              + ". Update LoopbackDynamoDbLocal.java for the new DynamoDB Local version.");
    }

    try {
      proxy.start();
    } catch (Exception e) {
      // Jetty 12 reports a taken port as IOException("Failed to bind to …") caused by java.net.BindException: print it
      // (the caller recognises "BindException" and retries another port) and exit even if Jetty left threads behind.
      e.printStackTrace();
      System.exit(1);
    }
    // DynamoDBProxyServer.start() itself catches a SocketException, prints "Could not start server on port N" and
    // stops Jetty: exit rather than linger without a server.
    if (!jetty.isStarted()) {
      System.exit(1);
    }
    for (ServerConnector connector : connectors) {
      assertLoopback(connector);
    }
    System.out.println(READY_LINE);
    System.out.flush();
    // Jetty's non-daemon threads keep the JVM alive, as with `java -jar`.
  }

  /** The Jetty server inside DynamoDB Local's proxy, found by type so a renamed private field does not matter. */
  private static Server jettyServerOf(DynamoDBProxyServer proxy) throws IllegalAccessException {
    Server found = null;
    for (Field field : DynamoDBProxyServer.class.getDeclaredFields()) {
      if (Server.class.isAssignableFrom(field.getType())) {
        if (found != null) {
          throw new IllegalStateException(
              "DynamoDBProxyServer holds more than one Jetty server; update LoopbackDynamoDbLocal.java.");
        }
        field.setAccessible(true);
        found = (Server) field.get(proxy);
      }
    }
    if (found == null) {
      throw new IllegalStateException(
          "DynamoDBProxyServer holds no org.eclipse.jetty.server.Server field; update LoopbackDynamoDbLocal.java for"
              + " the new DynamoDB Local version.");
    }
    return found;
  }

  /** Refuses to keep running if a connector listens anywhere but loopback (e.g. a Jetty that ignores the host). */
  private static void assertLoopback(ServerConnector connector) throws Exception {
    Object transport = connector.getTransport();
    SocketAddress address = transport instanceof ServerSocketChannel ? ((ServerSocketChannel) transport).getLocalAddress() : null;
    if (!(address instanceof InetSocketAddress) || !((InetSocketAddress) address).getAddress().isLoopbackAddress()) {
      System.err.println(
          "DynamoDB Local listens on " + address + " instead of " + LOOPBACK
              + "; stopping. Update LoopbackDynamoDbLocal.java for the new DynamoDB Local version.");
      System.exit(1);
    }
  }
}
