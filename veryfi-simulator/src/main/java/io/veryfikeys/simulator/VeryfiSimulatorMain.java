package io.veryfikeys.simulator;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator standalone: {@code java io.veryfikeys.simulator.VeryfiSimulatorMain [--port
 * N]}. Port 0 or absent picks a free port. Prints exactly one line, {@code Veryfi simulator
 * listening on http://127.0.0.1:PORT}, then runs until killed. Drive it through the admin API under
 * {@code /__admin/}.
 */
public final class VeryfiSimulatorMain {

    private VeryfiSimulatorMain() {}

    public static void main(String[] args) throws InterruptedException {
        int port;
        try {
            port = parsePort(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(
                    "usage: VeryfiSimulatorMain [--port N]   (0 or absent: pick a free port)");
            System.exit(2);
            return;
        }
        VeryfiSimulator sim = VeryfiSimulator.start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    sim.close();
                                    stopped.countDown();
                                },
                                "veryfi-simulator-shutdown"));
        System.out.println("Veryfi simulator listening on " + sim.baseUrl());
        System.out.flush();
        stopped.await();
    }

    static int parsePort(String[] args) {
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value;
            if (arg.equals("--port")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--port needs a value");
                }
                value = args[++i];
            } else if (arg.startsWith("--port=")) {
                value = arg.substring("--port=".length());
            } else {
                throw new IllegalArgumentException("unknown argument: " + arg);
            }
            try {
                port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--port must be an integer, got " + value);
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be within 0..65535, got " + port);
            }
        }
        return port;
    }
}
