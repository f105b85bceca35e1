package io.veryfikeys.localstack;

/**
 * Where a sandbox's first invocation spent its time: {@code initMillis} from starting the JVM to
 * the end of init (for SnapStart: to {@code restore/next}, so the priming hooks are in it), {@code
 * restoreMillis} from there to the runtime asking for its first invocation ({@code afterRestore}),
 * {@code invokeMillis} from handing the invocation out to its answer, and {@code totalMillis} as
 * the caller waited for it.
 */
public record ColdStart(
        String function,
        String sandboxId,
        long initMillis,
        long restoreMillis,
        long invokeMillis,
        long totalMillis,
        boolean error) {}
