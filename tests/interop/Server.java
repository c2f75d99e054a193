// Plays Exhibitor's HTTPS side for the interop suite: one Jetty 9.4 server per line of a
// configuration file, all in this one JVM because a JVM start costs about a second.
//
// usage: java -cp JETTY_JARS Server.java CONFIG READY_FILE
//
// CONFIG has one server per line, fields separated by tabs:
//   NAME  BIND_ADDRESS  KEYSTORE  TRUSTSTORE  PASSWORD  HOSTNAME
// Each server binds a free port on BIND_ADDRESS. When every server has started or failed
// to, READY_FILE appears (written whole, then renamed) with one line per server:
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
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
            if (f.length != 6) {
                throw new IllegalArgumentException("config line needs 6 fields: " + line);
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
        String outcome;
        try {
            outcome = "OK " + start(f[0], f[1], f[2], f[3], f[4], f[5]).getLocalPort();
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

    static ServerConnector start(String name, String address, String keystore, String truststore,
                                 String password, String hostname) throws Exception {
        org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server();
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(customizer);

        ServerConnector connector = new ServerConnector(server,
            new SslConnectionFactory(exhibitorSsl(keystore, truststore, password), "http/1.1"),
            new HttpConnectionFactory(http));
        connector.setHost(address);
        connector.setPort(0);
        connector.addBean(handshakeLogger(name));
        server.addConnector(connector);
        server.setHandler(new StatusHandler(name, hostname, customizer.getSslSessionAttribute()));
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
        private final String sessionAttribute;

        StatusHandler(String name, String hostname, String sessionAttribute) {
            this.name = name;
            this.hostname = hostname;
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
            String body = "[{\"code\":3,\"description\":\"serving\",\"hostname\":\"" + hostname
                + "\",\"isLeader\":true}]\n";
            response.setContentType("application/json");
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
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
