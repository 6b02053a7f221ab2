// Stress is the workload of `make bench-memory`: it holds T thread stacks,
// loads C generated classes and takes D MiB of direct memory, then fills the
// heap with 1 MiB arrays until the JVM runs out. Progress goes to stdout one
// line per step because -XX:+ExitOnOutOfMemoryError ends the JVM before any
// catch block could report the total.
//
// Usage: java Stress THREADS CLASSES DIRECT_MIB
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

public class Stress {
    // Each frame of deep() holds a few hundred bytes; 600 frames touch
    // roughly 100-200 KiB of stack, like a busy worker thread.
    static final int DEPTH = 600;
    // Methods per generated class, so that each class costs metaspace in
    // the range of a small real class rather than an empty shell.
    static final int METHODS = 12;

    static long deep(int n, CountDownLatch ready) {
        long a = n, b = n * 3L, c = n * 7L, d = n ^ 5, e = a + b, f = c + d;
        long[] pad = null;
        if (n == 0) {
            ready.countDown();
            while (true) {
                LockSupport.park();
            }
        }
        long r = deep(n - 1, ready);
        return r + a + b + c + d + e + f + (pad == null ? 0 : pad.length);
    }

    static void startThreads(int count) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(() -> deep(DEPTH, ready), "stress-" + i);
            t.setDaemon(true);
            t.start();
        }
        ready.await();
    }

    // classBytes writes a minimal class file: public class NAME with
    // METHODS methods "public int mK() { return K; }". Straight-line code
    // needs no StackMapTable, so the verifier accepts it at version 52.
    static byte[] classBytes(String name) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
        DataOutputStream out = new DataOutputStream(buf);
        out.writeInt(0xCAFEBABE);
        out.writeShort(0);
        out.writeShort(52);
        int pool = 6 + METHODS;
        out.writeShort(pool + 1);
        out.writeByte(1); out.writeUTF(name);                 // #1
        out.writeByte(7); out.writeShort(1);                  // #2 this
        out.writeByte(1); out.writeUTF("java/lang/Object");   // #3
        out.writeByte(7); out.writeShort(3);                  // #4 super
        out.writeByte(1); out.writeUTF("Code");               // #5
        out.writeByte(1); out.writeUTF("()I");                // #6
        for (int m = 0; m < METHODS; m++) {
            out.writeByte(1); out.writeUTF("m" + m);          // #7..
        }
        out.writeShort(0x0021);
        out.writeShort(2);
        out.writeShort(4);
        out.writeShort(0); // interfaces
        out.writeShort(0); // fields
        out.writeShort(METHODS);
        for (int m = 0; m < METHODS; m++) {
            out.writeShort(0x0001);
            out.writeShort(7 + m);
            out.writeShort(6);
            out.writeShort(1);
            out.writeShort(5);
            out.writeInt(15);
            out.writeShort(1); // max stack
            out.writeShort(1); // max locals
            out.writeInt(3);
            out.writeByte(0x10); out.writeByte(m); // bipush m
            out.writeByte(0xac);                   // ireturn
            out.writeShort(0);
            out.writeShort(0);
        }
        out.writeShort(0); // class attributes
        out.flush();
        return buf.toByteArray();
    }

    static final class Loader extends ClassLoader {
        Loader() { super(Stress.class.getClassLoader()); }
        Class<?> define(String name, byte[] b) { return defineClass(name, b, 0, b.length); }
    }

    static List<Class<?>> loadClasses(int count) throws Exception {
        Loader loader = new Loader();
        List<Class<?>> keep = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = String.format("Gen%08d", i);
            Class<?> c = loader.define(name, classBytes(name));
            // Link and initialise, as real classes in use would be.
            c.getMethod("m0");
            keep.add(c);
        }
        return keep;
    }

    static ByteBuffer takeDirect(int mib) {
        ByteBuffer b = ByteBuffer.allocateDirect(mib << 20);
        for (int i = 0; i < b.capacity(); i += 4096) {
            b.put(i, (byte) 1);
        }
        return b;
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int classes = Integer.parseInt(args[1]);
        int direct = Integer.parseInt(args[2]);
        long max = Runtime.getRuntime().maxMemory();
        System.out.println("max heap " + (max >> 20) + " MiB");
        startThreads(threads);
        System.out.println("threads " + threads);
        List<Class<?>> keep = loadClasses(classes);
        System.out.println("classes " + keep.size());
        ByteBuffer buf = takeDirect(direct);
        System.out.println("direct " + (buf.capacity() >> 20) + " MiB");
        System.out.println("phase done");
        List<byte[]> heap = new ArrayList<>();
        try {
            for (int n = 1; ; n++) {
                byte[] chunk = new byte[1 << 20];
                for (int i = 0; i < chunk.length; i += 4096) {
                    chunk[i] = 1;
                }
                heap.add(chunk);
                System.out.println("filled " + n + " MiB");
            }
        } catch (OutOfMemoryError e) {
            heap.clear();
            System.out.println("java oome " + e.getMessage());
            System.exit(3);
        }
    }
}
