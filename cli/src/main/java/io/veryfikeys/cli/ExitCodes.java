package io.veryfikeys.cli;

/** The CLI's exit codes; the README lists them too. */
public final class ExitCodes {
    /** The command did what was asked, and the rotation or reset succeeded. */
    public static final int OK = 0;

    /**
     * The operation ran but did not succeed: rotation failed, blocked, lagging, reverted, stopped;
     * reset refused.
     */
    public static final int NOT_SUCCEEDED = 1;

    /**
     * Invalid usage, or refused by the CLI itself (reset without --confirm equal to the account).
     */
    public static final int USAGE = 2;

    /**
     * AWS could not be asked: unreachable endpoint, no credentials, access denied, stack or
     * resource not found.
     */
    public static final int AWS_ERROR = 3;

    /**
     * rotate --timeout passed while the execution still runs (it goes on; follow it with history).
     */
    public static final int STILL_RUNNING = 4;

    private ExitCodes() {}
}
