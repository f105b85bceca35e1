package io.veryfikeys.localstack;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MotoServerTest {
    @Test
    void closeLeavesNoProcessAndFreesThePort() throws IOException {
        MotoServer moto = MotoServer.start(0, null);
        long pid = moto.pid();
        int port = moto.port();
        List<Long> tree =
                ProcessHandle.of(pid).orElseThrow().descendants().map(ProcessHandle::pid).toList();
        assertThat(moto.isAlive()).isTrue();

        moto.close();
        moto.close(); // idempotent

        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        for (long child : tree)
            assertThat(ProcessHandle.of(child).filter(ProcessHandle::isAlive)).isEmpty();
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }
}
