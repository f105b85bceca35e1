package io.veryfikeys.localstack;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.function.IntConsumer;

/**
 * An exchange that reports the status it is answered with just before the answer goes out, so that
 * whoever is told has been told by the time the caller has its response.
 */
final class StatusHookExchange extends HttpExchange {
    private final HttpExchange ex;
    private final IntConsumer beforeAnswer;

    StatusHookExchange(HttpExchange ex, IntConsumer beforeAnswer) {
        this.ex = ex;
        this.beforeAnswer = beforeAnswer;
    }

    @Override
    public void sendResponseHeaders(int status, long length) throws IOException {
        beforeAnswer.accept(status);
        ex.sendResponseHeaders(status, length);
    }

    @Override
    public Headers getRequestHeaders() {
        return ex.getRequestHeaders();
    }

    @Override
    public Headers getResponseHeaders() {
        return ex.getResponseHeaders();
    }

    @Override
    public URI getRequestURI() {
        return ex.getRequestURI();
    }

    @Override
    public String getRequestMethod() {
        return ex.getRequestMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return ex.getHttpContext();
    }

    @Override
    public void close() {
        ex.close();
    }

    @Override
    public InputStream getRequestBody() {
        return ex.getRequestBody();
    }

    @Override
    public OutputStream getResponseBody() {
        return ex.getResponseBody();
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return ex.getRemoteAddress();
    }

    @Override
    public int getResponseCode() {
        return ex.getResponseCode();
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return ex.getLocalAddress();
    }

    @Override
    public String getProtocol() {
        return ex.getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return ex.getAttribute(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        ex.setAttribute(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        ex.setStreams(i, o);
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return ex.getPrincipal();
    }
}
