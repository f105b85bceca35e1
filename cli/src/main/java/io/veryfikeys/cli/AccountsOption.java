package io.veryfikeys.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;

import java.util.ArrayList;
import java.util.List;

/**
 * The accounts a command looks at (status, doctor): those named, or every secret carrying the
 * rotation tag.
 */
final class AccountsOption {
    @Parameters(
            arity = "0..*",
            paramLabel = "ACCOUNT",
            description =
                    "Secret name(s), e.g. veryfi/payroll; default: every secret tagged for rotation.")
    List<String> named = new ArrayList<>();

    @Option(
            names = "--tag-key",
            defaultValue = "veryfi-key-rotation",
            paramLabel = "KEY",
            description =
                    "Without ACCOUNT: the secrets carrying this tag (default: ${DEFAULT-VALUE}).")
    String tagKey;

    @Option(
            names = "--scan",
            defaultValue = "100",
            paramLabel = "N",
            description = "How many recent executions to look through (default: ${DEFAULT-VALUE}).")
    int scan;

    /** {@link #names}, refusing (exit 1, naming the fix) when there is none to look at. */
    List<String> namesOrRefuse(Target target) {
        List<String> names = names(target);
        if (names.isEmpty())
            throw new CliException(
                    ExitCodes.NOT_SUCCEEDED,
                    "no secret tagged "
                            + tagKey
                            + " in "
                            + target.describe()
                            + "; name the account");
        return names;
    }

    /** The named accounts, else the tagged secrets' names (possibly none). */
    List<String> names(Target target) {
        List<String> names = new ArrayList<>(named);
        if (names.isEmpty()) {
            target.secrets()
                    .listSecretsPaginator(
                            r ->
                                    r.filters(
                                            Filter.builder()
                                                    .key(FilterNameStringType.TAG_KEY)
                                                    .values(tagKey)
                                                    .build()))
                    .forEach(page -> page.secretList().forEach(s -> names.add(s.name())));
        }
        return names;
    }
}
