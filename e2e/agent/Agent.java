// Stand-in for Jenkins remoting's agent.jar in the end-to-end suite. It
// accepts remoting's command line, discovers the controller's TCP port the way
// remoting does (GET {url}/tcpSlaveAgentListener/), connects to it and sends
// one JSON line describing what it was given: argv, JVM flags, heap, identity,
// environment names. The controller checks the secret; the report carries it
// only on that connection and never prints it. Then it idles until a signal
// ends the JVM (SIGTERM: exit 143, the JVM's default, like remoting).
//
// Build-simulation switches (environment):
//   LEAK_ORPHANS=N        start N background sleeps whose parent exits at once
//   ALLOCATE=native       after reporting, touch native memory until the kernel
//                         OOM killer ends the process (not a Java OOME)
//   AGENT_PRINT_REPORT=1  print the report to stdout and exit 0, no controller
//
// Without -url, -direct, -secret and -name it is remoting's stdin/stdout
// mode: it reads stdin to its end, says so on stderr and exits 0.
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

public final class Agent {
    // Options of hudson.remoting.Launcher / jnlp.Main that take a value.
    private static final Set<String> VALUED = Set.of(
            "-url", "-secret", "-name", "-workDir", "-internalDir", "-tunnel", "-direct",
            "-instanceIdentity", "-protocols", "-noReconnectAfter", "-jar-cache", "-cert",
            "-credentials", "-proxyCredentials", "-agentLog", "-loggingConfig",
            "-webSocketHeader", "-jnlpUrl", "-jnlpCredentials", "-text");

    private final List<String> rawArgs;
    private final List<String> urls = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> flags = new ArrayList<>();
    private final List<String> positional = new ArrayList<>();
    private final List<String> ignored = new ArrayList<>();
    private String secret;
    private String secretArg = "";
    private boolean stdio;
    private String name;

    private Agent(String[] args) {
        this.rawArgs = Arrays.asList(args);
    }

    public static void main(String[] args) throws Exception {
        Agent a = new Agent(args);
        try {
            a.parse();
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("stand-in agent: bad arguments: " + e.getMessage());
            System.exit(2);
        }
        if (a.stdio) {
            // The channel's end: stdin closes. Stdout is the channel, so
            // only stderr says what happened.
            long n = System.in.transferTo(OutputStream.nullOutputStream());
            System.err.println("stand-in agent: stdin/stdout mode, channel closed after " + n + " bytes");
            return;
        }
        if ("1".equals(System.getenv("AGENT_PRINT_REPORT"))) {
            System.out.println(a.report(false, 0));
            return;
        }
        // Runs on SIGTERM (JVM exit 143) but not on SIGKILL: the tests read
        // this line to tell a forwarded signal from a torn-down namespace.
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> System.err.println("stand-in agent: shutdown hook ran")));
        int orphans = leakOrphans();
        a.connectAndReport(orphans);
        if ("native".equals(System.getenv("ALLOCATE"))) {
            allocateNative();
        }
        new CountDownLatch(1).await();
    }

    // parse mimics remoting: any "@FILE" argument is replaced by the file's
    // lines (args4j), "-opt=value" equals "-opt value", unknown options are
    // ignored, and SECRET NAME may come positionally (the ECS plugin's form).
    private void parse() throws IOException {
        List<String> args = new ArrayList<>();
        String secretForm = null;
        for (int i = 0; i < rawArgs.size(); i++) {
            String s = rawArgs.get(i);
            boolean afterSecret = i > 0 && rawArgs.get(i - 1).equals("-secret");
            if (s.startsWith("@") && s.length() > 1) {
                // As args4j: every line, empty ones too, is one argument.
                List<String> lines = Files.readAllLines(Paths.get(s.substring(1)), StandardCharsets.UTF_8);
                if (afterSecret) {
                    secretForm = s;
                }
                args.addAll(lines);
            } else {
                if (afterSecret) {
                    secretForm = "literal";
                }
                args.add(s);
            }
        }
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-")) {
                positional.add(a);
                continue;
            }
            String key = a;
            String value = null;
            int eq = a.indexOf('=');
            if (eq > 0) {
                key = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (VALUED.contains(key)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("option " + key + " needs a value");
                    }
                    value = args.get(++i);
                }
                if (key.equals("-url")) {
                    urls.add(value);
                } else {
                    options.put(key, value);
                }
            } else if (key.equals("-webSocket") || key.equals("-noReconnect") || key.equals("-noKeepAlive")
                    || key.equals("-failIfWorkDirIsMissing") || key.equals("-noCertificateCheck")
                    || key.equals("-disableHttpsCertValidation") || key.equals("-help") || key.equals("-version")
                    || key.equals("-headless")) {
                flags.add(key);
            } else {
                ignored.add(a);
            }
        }
        secret = options.get("-secret");
        name = options.get("-name");
        if (positional.size() == 2) {
            if (secret != null || name != null) {
                throw new IllegalArgumentException("secret or name given both positionally and as an option");
            }
            secret = positional.get(0);
            name = positional.get(1);
            secretArg = "positional";
        } else if (!positional.isEmpty()) {
            throw new IllegalArgumentException("expected SECRET NAME, got " + positional.size() + " positional arguments");
        } else {
            secretArg = secretForm == null ? "" : secretForm;
        }
        if ("1".equals(System.getenv("AGENT_PRINT_REPORT"))) {
            return; // a report of the JVM alone, for `launcher exec -- java -jar`
        }
        if (name == null && secret == null && urls.isEmpty() && !options.containsKey("-direct")) {
            // Remoting without a controller address talks over stdin and
            // stdout (a controller's "launch agent via execution of
            // command").
            stdio = true;
            return;
        }
        if (name == null || secret == null) {
            throw new IllegalArgumentException("-name and -secret (or SECRET NAME) are required");
        }
        if (urls.isEmpty() && !options.containsKey("-direct")) {
            throw new IllegalArgumentException("-url or -direct is required");
        }
    }

    private void connectAndReport(int orphans) throws Exception {
        String host;
        int port;
        if (options.containsKey("-direct")) {
            String[] hp = splitHostPort(options.get("-direct"), null, -1);
            host = hp[0];
            port = Integer.parseInt(hp[1]);
        } else {
            String base = urls.get(0).endsWith("/") ? urls.get(0) : urls.get(0) + "/";
            URL u = new URL(base + "tcpSlaveAgentListener/");
            HttpURLConnection c = (HttpURLConnection) u.openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(5000);
            c.setRequestProperty("Node-Name", name);
            int code;
            try {
                code = c.getResponseCode();
            } catch (IOException e) {
                // Remoting would retry; failing fast makes the launcher's own
                // wait for the controller visible in the tests.
                System.err.println("stand-in agent: " + u + " unreachable: " + e);
                System.exit(1);
                return;
            }
            if (code != 200) {
                System.err.println("stand-in agent: " + u + " answered " + code);
                System.exit(1);
            }
            String p = c.getHeaderField("X-Jenkins-JNLP-Port");
            if (p == null) {
                p = c.getHeaderField("X-Hudson-JNLP-Port");
            }
            if (p == null) {
                System.err.println("stand-in agent: " + base + " is not Jenkins (no X-Jenkins-JNLP-Port)");
                System.exit(1);
            }
            host = c.getHeaderField("X-Jenkins-JNLP-Host");
            if (host == null) {
                host = u.getHost();
            }
            port = Integer.parseInt(p.trim());
            c.disconnect();
            if (options.containsKey("-tunnel")) {
                String[] hp = splitHostPort(options.get("-tunnel"), host, port);
                host = hp[0];
                port = Integer.parseInt(hp[1]);
            }
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(10000);
            OutputStream out = s.getOutputStream();
            out.write((report(true, orphans) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String ack = in.readLine();
            if (!"OK".equals(ack)) {
                System.err.println("stand-in agent: controller refused the report: " + ack);
                System.exit(1);
            }
        }
        System.err.println("stand-in agent: connected to " + host + ":" + port + " as " + name);
    }

    // splitHostPort reads remoting's HOST:PORT, where either side may be empty
    // in -tunnel (":PORT" keeps the discovered host, "HOST:" the port).
    private static String[] splitHostPort(String v, String defHost, int defPort) {
        int i = v.lastIndexOf(':');
        String h = i < 0 ? v : v.substring(0, i);
        String p = i < 0 ? "" : v.substring(i + 1);
        if (h.isEmpty()) {
            h = defHost;
        }
        if (p.isEmpty()) {
            if (defPort < 0) {
                throw new IllegalArgumentException("no port in " + v);
            }
            p = Integer.toString(defPort);
        }
        return new String[] {h, p};
    }

    private String report(boolean withSecret, int orphans) throws IOException {
        Map<String, String> env = System.getenv();
        String home = env.getOrDefault("HOME", "");
        String userHome = System.getProperty("user.home");
        Path work = options.containsKey("-workDir")
                ? Paths.get(options.get("-workDir"), "remoting")
                : Paths.get(userHome, ".jenkins", "cache", "jars");
        List<String> gcs = new ArrayList<>();
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs.add(b.getName());
        }
        Json j = new Json();
        j.put("name", name);
        j.put("urls", urls);
        j.put("argv", masked(rawArgs));
        j.put("secret_arg", secretArg);
        if (withSecret) {
            j.put("secret", secret);
        }
        j.put("secret_in_env", secret != null && env.containsValue(secret));
        j.put("options", masked(new ArrayList<>(options.keySet())));
        j.put("flags", flags);
        j.put("ignored", masked(ignored));
        j.put("jvm_args", masked(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        j.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        j.put("processors", Runtime.getRuntime().availableProcessors());
        j.put("gc", gcs);
        j.put("java_version", System.getProperty("java.version"));
        j.put("user_home", userHome);
        j.put("user_name", System.getProperty("user.name"));
        j.put("home", home);
        j.put("home_writable", !home.isEmpty() && writable(Paths.get(home)));
        String[] ids = statusIds();
        j.put("uid", Long.parseLong(ids[0]));
        j.put("gid", Long.parseLong(ids[1]));
        j.put("env_names", new ArrayList<>(new TreeSet<>(env.keySet())));
        j.put("work_dir", work.toString());
        j.put("work_dir_writable", writable(work));
        j.put("pid", ProcessHandle.current().pid());
        j.put("ppid", ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L));
        j.put("orphans_leaked", orphans);
        return j.toString();
    }

    // masked replaces the secret wherever it appears, so a report that ends
    // up in a log can never leak it.
    private List<String> masked(List<String> in) {
        List<String> out = new ArrayList<>();
        for (String s : in) {
            out.add(secret != null && !secret.isEmpty() ? s.replace(secret, "****") : s);
        }
        return out;
    }

    private static boolean writable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".probe", "");
            Files.delete(probe);
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static String[] statusIds() throws IOException {
        String uid = "-1";
        String gid = "-1";
        for (String l : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (l.startsWith("Uid:")) {
                uid = l.substring(4).trim().split("\\s+")[0];
            } else if (l.startsWith("Gid:")) {
                gid = l.substring(4).trim().split("\\s+")[0];
            }
        }
        return new String[] {uid, gid};
    }

    private static int leakOrphans() throws Exception {
        String v = System.getenv("LEAK_ORPHANS");
        if (v == null || v.isEmpty()) {
            return 0;
        }
        int n = Integer.parseInt(v);
        // sh exits at once; its background sleeps are re-parented to the
        // container's PID 1 (or the nearest subreaper), which must reap them.
        Process p = new ProcessBuilder("sh", "-c",
                "i=0; while [ $i -lt " + n + " ]; do sleep 0.2 & i=$((i+1)); done")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException("orphan-leaking shell exited " + rc);
        }
        return n;
    }

    // allocateNative takes memory outside the Java heap and outside
    // -XX:MaxDirectMemorySize, touching every page, so only the kernel's
    // cgroup OOM killer can stop it.
    private static void allocateNative() throws Exception {
        Class<?> k = Class.forName("sun.misc.Unsafe");
        Field f = k.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        Object unsafe = f.get(null);
        Method alloc = k.getMethod("allocateMemory", long.class);
        Method set = k.getMethod("setMemory", long.class, long.class, byte.class);
        long chunk = 16L << 20;
        long total = 0;
        while (true) {
            long addr = (Long) alloc.invoke(unsafe, chunk);
            set.invoke(unsafe, addr, chunk, (byte) 1);
            total += chunk;
            if (total % (128L << 20) == 0) {
                System.err.println("stand-in agent: touched " + (total >> 20) + " MiB of native memory");
            }
        }
    }

    // Json is the smallest writer that covers the report's types.
    private static final class Json {
        private final StringBuilder sb = new StringBuilder("{");

        void put(String k, Object v) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            str(k);
            sb.append(':');
            value(v);
        }

        private void value(Object v) {
            if (v == null) {
                sb.append("null");
            } else if (v instanceof String) {
                str((String) v);
            } else if (v instanceof List) {
                sb.append('[');
                boolean first = true;
                for (Object o : (List<?>) v) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    value(o);
                }
                sb.append(']');
            } else {
                sb.append(v);
            }
        }

        private void str(String s) {
            sb.append('"');
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    default:
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                }
            }
            sb.append('"');
        }

        @Override
        public String toString() {
            return sb.toString() + "}";
        }
    }
}
