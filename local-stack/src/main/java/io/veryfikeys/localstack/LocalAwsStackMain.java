package io.veryfikeys.localstack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local stack until Ctrl-C: {@code java ... io.veryfikeys.localstack.LocalAwsStackMain
 * [--template template.yaml] [--port 4566] [--parameter Name=Value]... [--deploy
 * StateMachineLogicalId]... [--veryfi-simulator URL]}. The handler classes must be on the classpath
 * for {@code -Dlocalstack.mode=in-process}; by default each function runs in sandboxes from its
 * deployable ({@code <CodeUri>/target/lambda}).
 */
public final class LocalAwsStackMain {
    private LocalAwsStackMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path template = null;
        int port = 0;
        Map<String, String> params = new LinkedHashMap<>();
        java.net.URI simulator = null;
        java.util.List<String> deploy = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--template" -> {
                    template = Path.of(require(a, v));
                    i++;
                }
                case "--port" -> {
                    port = Integer.parseInt(require(a, v));
                    i++;
                }
                case "--parameter" -> {
                    String kv = require(a, v);
                    int eq = kv.indexOf('=');
                    if (eq < 0) usage("--parameter takes Name=Value");
                    params.put(kv.substring(0, eq), kv.substring(eq + 1));
                    i++;
                }
                case "--deploy" -> {
                    deploy.add(require(a, v));
                    i++;
                }
                case "--veryfi-simulator" -> {
                    simulator = java.net.URI.create(require(a, v));
                    i++;
                }
                case "-h", "--help" -> usage(null);
                default -> usage("unknown argument " + a);
            }
        }
        if (template == null) template = LocalAwsStackExtension.findTemplate();
        LocalAwsStack stack;
        try {
            stack = LocalAwsStack.start(template, params, port);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        if (simulator != null) {
            stack.localTestMode(simulator);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    stack.close();
                                    stopped.countDown();
                                },
                                "local-stack-shutdown"));
        for (String sm : stack.template().stateMachines().keySet()) {
            if (deploy.isEmpty() || deploy.contains(sm))
                System.out.println("state machine " + sm + ": " + stack.deployStateMachine(sm));
        }
        System.out.println("template     " + stack.template().path());
        System.out.println(
                "endpoint     "
                        + stack.endpoint()
                        + "   (AWS_ENDPOINT_URL; Lambda here, everything else forwarded to moto)");
        System.out.println(
                "moto         "
                        + stack.motoEndpoint()
                        + "   (log: "
                        + stack.motoServer().logFile()
                        + ")");
        System.out.println("region       " + stack.region() + ", account " + stack.accountId());
        System.out.println(
                "credentials  export AWS_ACCESS_KEY_ID="
                        + stack.clientCredentials().accessKeyId()
                        + " AWS_SECRET_ACCESS_KEY="
                        + stack.clientCredentials().secretAccessKey()
                        + "   (the stack refuses keys it did not issue)");
        System.out.println(
                "functions    "
                        + stack.template().functions().keySet()
                        + " ("
                        + stack.options().mode()
                        + (stack.options().mode() == LambdaHost.Mode.SANDBOX
                                ? ": each in JVMs of its own, started on first invoke)"
                                : ")"));
        System.out.println("Ctrl-C stops.");
        stopped.await();
    }

    private static String require(String flag, String v) {
        if (v == null) usage(flag + " needs a value");
        return v;
    }

    private static void usage(String error) {
        if (error != null) System.err.println(error);
        System.err.println(
                "usage: LocalAwsStackMain [--template path] [--port n] [--parameter Name=Value]... "
                        + "[--deploy StateMachineLogicalId]... [--veryfi-simulator http://127.0.0.1:PORT]");
        System.exit(error == null ? 0 : 2);
    }
}
