package io.agentforge.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry replicas one client talks to. A request goes to the replica that answered last; when it gets no answer
 * (or a 502/503/504) it is tried on the next one, each at most once, and the one that answers becomes the new
 * preference. With a single URL this is one plain send.
 */
final class RegistryEndpoints {

    private final ForgeClientSettings settings;
    private final AtomicInteger preferred = new AtomicInteger();

    RegistryEndpoints(ForgeClientSettings settings) {
        this.settings = settings;
    }

    /** The replica requests go to first. */
    URI current() {
        return settings.registryUrls().get(preferred.get());
    }

    /**
     * Sends {@code builder}'s request for {@code pathAndQuery} to each replica in turn until one answers with something
     * other than 502/503/504; the last replica's answer (or failure) is the caller's.
     *
     * @param idempotent false: a request that may have reached a replica before failing (a timeout or a reset) is not
     *                   sent again, only one that never connected
     */
    <T> HttpResponse<T> send(
            HttpClient http,
            HttpRequest.Builder builder,
            String pathAndQuery,
            boolean idempotent,
            HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        List<URI> urls = settings.registryUrls();
        int start = preferred.get();
        IOException failure = null;
        for (int i = 0; i < urls.size(); i++) {
            int index = (start + i) % urls.size();
            boolean last = i == urls.size() - 1;
            HttpRequest request = builder.uri(ForgeClientSettings.resolve(urls.get(index), pathAndQuery))
                    .build();
            HttpResponse<T> response;
            try {
                response = http.send(request, handler);
            } catch (IOException e) {
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                failure = e;
                if (last || !(idempotent || neverConnected(e))) {
                    throw e;
                }
                continue;
            }
            if (last || !unavailable(response.statusCode())) {
                if (!unavailable(response.statusCode())) {
                    preferred.compareAndSet(start, index);
                }
                return response;
            }
            discard(response);
        }
        throw failure == null ? new IOException("no registry URL") : failure;
    }

    /** The replicas in the order the next request tries them, for messages. */
    List<URI> inOrder() {
        List<URI> urls = settings.registryUrls();
        List<URI> ordered = new ArrayList<>(urls.size());
        int start = preferred.get();
        for (int i = 0; i < urls.size(); i++) {
            ordered.add(urls.get((start + i) % urls.size()));
        }
        return ordered;
    }

    private static boolean unavailable(int status) {
        return status == 502 || status == 503 || status == 504;
    }

    private static boolean neverConnected(IOException e) {
        return e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
    }

    private static void discard(HttpResponse<?> response) {
        if (response.body() instanceof java.io.InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the next replica is tried either way
            }
        }
    }
}
