// Plays Exhibitor's calling side for the interop suite, and loads stores the way Exhibitor
// does. Runs every case of a case file in one JVM, because a JVM start costs about a second.
//
// usage: java Client.java CASES
//
// CASES has one case per line, fields separated by tabs; the first two are KIND and NAME:
//   https  NAME  PROTOCOL  CLIENTSTORE|-  TRUSTSTORE  PASSWORD  URL
//          GET URL as an Exhibitor node calls a peer. "-" means no client certificate.
//   load   NAME  STORE  PASSWORD
//          open a store as Exhibitor would; describe each entry: alias, kind, chain length,
//          and its certificate's extendedKeyUsage and subjectAltName.
//
// For each case one line goes to stdout:
//   NAME <TAB> MILLISECONDS <TAB> LOCAL_PORT <TAB> OUTCOME
// where OUTCOME is "OK ..." or "ERR <exception> <- <cause> ...", and LOCAL_PORT the client
// side of the connection (0 if none), by which the server's log of it can be found. The shell
// script judges the outcome.

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

public class Client {
    static final int TIMEOUT_MS = 5000;

    // The TLS socket of the running case, to report its local port.
    static SSLSocket lastSocket;

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Client.java CASES");
            System.exit(2);
        }
        // A fresh connection, and so a full handshake, for every case: a kept-alive
        // connection would let a case pass on an earlier case's handshake.
        System.setProperty("http.keepAlive", "false");
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                runCase(line.split("\t", -1));
            }
        }
    }

    static void runCase(String[] f) {
        long start = System.nanoTime();
        String outcome;
        lastSocket = null;
        try {
            switch (f[0]) {
                case "https":
                    outcome = https(f[2], f[3], f[4], f[5], f[6]);
                    break;
                case "load":
                    outcome = load(f[2], f[3]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown case kind " + f[0]);
            }
        } catch (Exception e) {
            outcome = "ERR " + describe(e);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        int port = lastSocket == null ? 0 : Math.max(0, lastSocket.getLocalPort());
        System.out.println(f[1] + "\t" + ms + "\t" + port + "\t" + outcome.replace('\n', ' '));
        System.out.flush();
    }

    static KeyStore loadStore(String path, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("JKS");
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    // The way Exhibitor builds its client context: key managers over the client store with
    // the store password as key password, trust managers over the trust store.
    static SSLContext exhibitorContext(String protocol, String clientstore, String truststore,
                                       String password) throws Exception {
        KeyManager[] keyManagers = null;
        if (!"-".equals(clientstore)) {
            KeyManagerFactory kmf =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(loadStore(clientstore, password), password.toCharArray());
            keyManagers = kmf.getKeyManagers();
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(loadStore(truststore, password));

        SSLContext ctx = SSLContext.getInstance(protocol);
        ctx.init(keyManagers, tmf.getTrustManagers(), null);
        return ctx;
    }

    // Hostname verification is left to HttpsURLConnection's default verifier: that is the
    // check a server certificate lacking its node's IP must fail.
    static String https(String protocol, String clientstore, String truststore, String password,
                        String url) throws Exception {
        SSLContext ctx = exhibitorContext(protocol, clientstore, truststore, password);
        PinnedFactory factory = new PinnedFactory(ctx.getSocketFactory(), protocol);
        HttpsURLConnection conn = (HttpsURLConnection) new URL(url).openConnection();
        conn.setSSLSocketFactory(factory);
        conn.setConnectTimeout(TIMEOUT_MS);
        conn.setReadTimeout(TIMEOUT_MS);
        try {
            int status = conn.getResponseCode();
            String body = readAll(status < 400 ? conn.getInputStream() : conn.getErrorStream());
            return "OK " + status + " " + factory.negotiated() + " server="
                + conn.getHeaderField("X-Interop-Server") + " body=" + body.trim();
        } finally {
            conn.disconnect();
        }
    }

    // Opens the store and describes each entry with what its consumers rely on but do not
    // all check: a missing extendedKeyUsage passes Java, OpenSSL and nginx alike, so only
    // stating it here lets the suite notice one.
    static String load(String path, String password) throws Exception {
        KeyStore ks = loadStore(path, password);
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm())
            .init(ks, password.toCharArray());

        StringBuilder b = new StringBuilder("OK");
        for (String alias : Collections.list(ks.aliases())) {
            b.append(' ').append(alias);
            if (ks.isKeyEntry(alias)) {
                Certificate[] chain = ks.getCertificateChain(alias);
                b.append(":key:chain=").append(chain == null ? 0 : chain.length);
            } else if (ks.isCertificateEntry(alias)) {
                b.append(":trusted");
            }
            b.append(describe((X509Certificate) ks.getCertificate(alias)));
        }
        return b.toString();
    }

    // " eku=OID,... san=TYPE:VALUE,..." with "none" for an absent extension; SANs sorted,
    // as their order means nothing.
    static String describe(X509Certificate cert) throws Exception {
        List<String> eku = cert.getExtendedKeyUsage();
        List<String> sans = new ArrayList<>();
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> san : cert.getSubjectAlternativeNames()) {
                sans.add(san.get(0) + ":" + san.get(1));
            }
        }
        Collections.sort(sans);
        return " eku=" + (eku == null ? "none" : String.join(",", eku))
            + " san=" + (sans.isEmpty() ? "none" : String.join(",", sans));
    }

    static String readAll(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    static String describe(Throwable t) {
        StringBuilder b = new StringBuilder(String.valueOf(t));
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            b.append(" <- ").append(c);
            t = c;
        }
        return b.toString();
    }

    // Enables exactly one protocol on every socket, so a TLS 1.2 case cannot quietly run
    // as TLS 1.3, and remembers the socket to report what was negotiated and from where.
    static final class PinnedFactory extends SSLSocketFactory {
        private final SSLSocketFactory inner;
        private final String protocol;
        private SSLSocket last;

        PinnedFactory(SSLSocketFactory inner, String protocol) {
            this.inner = inner;
            this.protocol = protocol;
        }

        String negotiated() {
            return last == null ? "none" : last.getSession().getProtocol();
        }

        private Socket pin(Socket s) {
            last = (SSLSocket) s;
            lastSocket = last;
            last.setEnabledProtocols(new String[] {protocol});
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return inner.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return inner.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return pin(inner.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose)
            throws IOException {
            return pin(inner.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return pin(inner.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort)
            throws IOException {
            return pin(inner.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return pin(inner.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress local,
                                   int localPort) throws IOException {
            return pin(inner.createSocket(address, port, local, localPort));
        }
    }
}
