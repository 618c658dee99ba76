package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches Google's keys with one deadline for the whole fetch, connecting and every read, and a cap on the answer's
 * size. A per-read timeout is not enough: a server sending a byte just within it held the first push for minutes.
 */
final class JwksFetch implements ResourceRetriever {

    /** One client for every fetch: starting one takes threads, and on a loaded machine much of a deadline. */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    private final Duration deadline;
    private final int maxBytes;

    JwksFetch(Duration deadline, int maxBytes) {
        this.deadline = deadline;
        this.maxBytes = maxBytes;
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url.toURI()).timeout(deadline).GET().build();
        } catch (URISyntaxException e) {
            throw new IOException("not a URL: " + url, e);
        }
        CompletableFuture<HttpResponse<byte[]>> fetch = CLIENT.sendAsync(request, info -> new Capped(maxBytes));
        try {
            HttpResponse<byte[]> response = fetch.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + url);
            }
            return new Resource(new String(response.body(), UTF_8),
                    response.headers().firstValue("Content-Type").orElse(null));
        } catch (TimeoutException e) {
            fetch.cancel(true);
            throw new IOException("no whole answer from " + url + " within " + deadline.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            fetch.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching " + url);
        }
    }

    /** An answer's bytes, up to {@code maxBytes}: past them the fetch fails, and the rest is not read. */
    private static final class Capped implements BodySubscriber<byte[]> {

        private final BodySubscriber<byte[]> bytes = BodySubscribers.ofByteArray();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final int maxBytes;
        private Flow.Subscription subscription;
        private long size;

        Capped(int maxBytes) {
            this.maxBytes = maxBytes;
            bytes.getBody().whenComplete((read, failure) -> {
                if (failure != null) {
                    body.completeExceptionally(failure);
                } else {
                    body.complete(read);
                }
            });
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            bytes.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            size += item.stream().mapToLong(ByteBuffer::remaining).sum();
            if (size > maxBytes) {
                subscription.cancel();
                body.completeExceptionally(new IOException("answer over the limit of " + maxBytes + " bytes"));
                return;
            }
            bytes.onNext(item);
        }

        @Override
        public void onError(Throwable failure) {
            bytes.onError(failure);
        }

        @Override
        public void onComplete() {
            bytes.onComplete();
        }
    }
}
