// Plays Exhibitor's HTTPS side for the interop suite: one Jetty 9.4 server per line of a
// configuration file, all in this one JVM because a JVM start costs about a second.
//
// usage: java -cp JETTY_JARS Server.java CONFIG READY_FILE
//
// CONFIG has one server per line, fields separated by tabs:
//   NAME  BIND_ADDRESS  KEYSTORE  TRUSTSTORE  PASSWORD  HOSTNAME  [PORT  [BODY]]
// Each server binds PORT on BIND_ADDRESS, or a free port when PORT is 0 or missing. BODY,
// when given and not empty, is the JSON the status path answers instead of the default, a
// single member HOSTNAME serving as leader. KEYSTORE "-" makes a silent listener instead: a
// plain socket that never accepts, so that a client's connection completes in the kernel and
// its handshake then waits for ever (the other fields but PORT are ignored). When every
// server has started or failed to, READY_FILE appears (written whole, then renamed) with one
// line per server:
//   NAME <TAB> MILLISECONDS <TAB> OK PORT
//   NAME <TAB> MILLISECONDS <TAB> ERR <exception> <- <cause> ...
// A server that cannot start is reported, not fatal: the wrong-password case is a server
// that must fail to start, quickly and saying why. The process then runs until it is
// killed; the caller bounds its life.
//
// Every response carries the TLS facts the suite asserts on, in headers, because a body
// that reached the client through nginx says nothing about the hop nginx made:
//   X-Interop-Server  the NAME that answered
//   X-Tls-Protocol    protocol of the connection that carried the request
//   X-Client-Subject  subject of the client certificate Jetty verified

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSession;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;

public class Server {
    static final String STATUS_PATH = "/exhibitor/v1/cluster/status";

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Server.java CONFIG READY_FILE");
            System.exit(2);
        }
        StringBuilder ready = new StringBuilder();
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 6 || f.length > 8) {
                throw new IllegalArgumentException("config line needs 6 to 8 fields: " + line);
            }
            ready.append(f[0]).append('\t').append(tryStart(f)).append('\n');
        }
        Path tmp = Path.of(args[1] + ".tmp");
        Files.writeString(tmp, ready.toString());
        Files.move(tmp, Path.of(args[1]), StandardCopyOption.ATOMIC_MOVE);
        log("all", "ready");
    }

    static String tryStart(String[] f) {
        long begin = System.nanoTime();
        String body = f.length > 7 && !f[7].isEmpty() ? f[7] + "\n" : null;
        String outcome;
        try {
            int port = f.length > 6 && !f[6].isEmpty() ? Integer.parseInt(f[6]) : 0;
            outcome = "OK " + ("-".equals(f[2]) ? silent(f[0], f[1], port)
                : start(f[0], f[1], port, f[2], f[3], f[4], f[5], body).getLocalPort());
        } catch (Exception e) {
            log(f[0], "failed to start: " + describe(e));
            outcome = "ERR " + describe(e);
        }
        return (System.nanoTime() - begin) / 1_000_000 + "\t" + outcome;
    }

    // Configured as Exhibitor configures its connector: stores and passwords, client
    // certificates required, everything else left at Jetty's defaults.
    static SslContextFactory.Server exhibitorSsl(String keystore, String truststore,
                                                 String password) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keystore);
        ssl.setKeyStorePassword(password);
        ssl.setTrustStorePath(truststore);
        ssl.setTrustStorePassword(password);
        ssl.setNeedClientAuth(true);
        return ssl;
    }

    // Listens and never accepts. Kept in a static list so that it lives as long as the JVM.
    static final List<ServerSocket> SILENT = new ArrayList<>();

    static int silent(String name, String address, int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(address, port), 50);
        SILENT.add(socket);
        log(name, "silent listener on " + address + ":" + socket.getLocalPort());
        return socket.getLocalPort();
    }

    static ServerConnector start(String name, String address, int port, String keystore,
                                 String truststore, String password, String hostname,
                                 String body) throws Exception {
        org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server();
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(customizer);

        ServerConnector connector = new ServerConnector(server,
            new SslConnectionFactory(exhibitorSsl(keystore, truststore, password), "http/1.1"),
            new HttpConnectionFactory(http));
        connector.setHost(address);
        connector.setPort(port);
        connector.addBean(handshakeLogger(name));
        server.addConnector(connector);
        server.setHandler(new StatusHandler(name, hostname, body,
            customizer.getSslSessionAttribute()));
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        log(name, "listening on " + address + ":" + connector.getLocalPort());
        return connector;
    }

    // Jetty logs failed handshakes only at debug level; the suite judges a refusal by the
    // reason the refusing side gives, and a client may see only a broken pipe, so the
    // server's side of every handshake is logged, with the client's port to find it by.
    static SslHandshakeListener handshakeLogger(String name) {
        return new SslHandshakeListener() {
            @Override
            public void handshakeSucceeded(Event event) {
                SSLSession s = event.getSSLEngine().getSession();
                log(name, "handshake ok from " + peer(event) + ": " + s.getProtocol() + " "
                    + s.getCipherSuite());
            }

            @Override
            public void handshakeFailed(Event event, Throwable failure) {
                log(name, "handshake failed from " + peer(event) + ": " + describe(failure));
            }
        };
    }

    static String peer(SslHandshakeListener.Event event) {
        return event.getSSLEngine().getPeerHost() + ":" + event.getSSLEngine().getPeerPort();
    }

    static String describe(Throwable t) {
        StringBuilder b = new StringBuilder(String.valueOf(t));
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            b.append(" <- ").append(c);
            t = c;
        }
        return b.toString().replace('\n', ' ');
    }

    static synchronized void log(String name, String message) {
        System.out.println("[jetty " + name + "] " + message);
        System.out.flush();
    }

    static final class StatusHandler extends AbstractHandler {
        private final String name;
        private final String hostname;
        private final String body;
        private final String sessionAttribute;

        StatusHandler(String name, String hostname, String body, String sessionAttribute) {
            this.name = name;
            this.hostname = hostname;
            this.body = body;
            this.sessionAttribute = sessionAttribute;
        }

        @Override
        public void handle(String target, Request base, HttpServletRequest request,
                           HttpServletResponse response) throws IOException {
            base.setHandled(true);
            response.setHeader("X-Interop-Server", name);
            response.setHeader("X-Tls-Protocol", protocol(request));
            response.setHeader("X-Client-Subject", clientSubject(request));
            if (!"GET".equals(request.getMethod()) || !STATUS_PATH.equals(target)) {
                response.sendError(404);
                return;
            }
            // The shape of Exhibitor's answer: one object per ensemble member.
            String answer = body != null ? body
                : "[{\"code\":3,\"description\":\"serving\",\"hostname\":\"" + hostname
                    + "\",\"isLeader\":true}]\n";
            response.setContentType("application/json");
            response.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
            log(name, "200 " + target + " client=" + clientSubject(request));
        }

        String protocol(HttpServletRequest request) {
            Object s = request.getAttribute(sessionAttribute);
            return s instanceof SSLSession ? ((SSLSession) s).getProtocol() : "none";
        }

        static String clientSubject(HttpServletRequest request) {
            Object certs = request.getAttribute(
                SecureRequestCustomizer.JAVAX_SERVLET_REQUEST_X_509_CERTIFICATE);
            if (!(certs instanceof X509Certificate[]) || ((X509Certificate[]) certs).length == 0) {
                return "none";
            }
            return ((X509Certificate[]) certs)[0].getSubjectX500Principal().getName();
        }
    }
}
