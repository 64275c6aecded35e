package io.agentforge.registry.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy to one address that can stop forwarding without closing anything, as a network partition does: the
 * connections stay open, nothing is refused or reset, and the bytes sent into them go nowhere until it is healed
 * (then they are delivered late, as TCP would retransmit them).
 */
public final class StallingTcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile boolean stalled;
    private volatile String stallOn;

    public StallingTcpProxy(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("stalling-proxy").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * The partition begins when a client sends {@code marker} (e.g. a value a query binds): that message is the first
     * to go nowhere, so the call sending it is in flight on an open connection when the link stops.
     */
    public void stallWhenSent(String marker) {
        stallOn = marker;
    }

    public boolean stalled() {
        return stalled;
    }

    public void heal() {
        synchronized (lock) {
            stallOn = null;
            stalled = false;
            lock.notifyAll();
        }
    }

    @Override
    public void close() throws IOException {
        heal();
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                sockets.add(client);
                sockets.add(upstream);
                Thread.ofVirtual().start(() -> forward(client, upstream, true));
                Thread.ofVirtual().start(() -> forward(upstream, client, false));
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection end
            }
        }
    }

    private void forward(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[64 * 1024];
        String tail = "";
        try (from;
                to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                String marker = stallOn;
                if (fromClient && marker != null) {
                    // Latin-1 keeps one char per byte; the tail catches a marker split across two reads.
                    String window = tail + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                    if (window.contains(marker)) {
                        stalled = true;
                    }
                    tail = window.substring(Math.max(0, window.length() - marker.length() + 1));
                }
                awaitForwarding();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: closing both ends passes that on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private void awaitForwarding() throws InterruptedException {
        synchronized (lock) {
            while (stalled) {
                lock.wait();
            }
        }
    }
}
