package io.veryfikeys.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which other secrets hold the same Veryfi account as the one being rotated or reset, and whether
 * that is allowed. A second secret holding the account (copied by hand for another team, say) keeps
 * the old key after a rotation, and the rotation deletes that key: its consumers are locked out. So
 * a secret under the prefix that holds the same client id and username must be declared in this
 * secret's {@code linkedSecrets} (then each new key is stored in it too), or nothing rotates.
 *
 * <p>Pure: the caller reads the secrets under the prefix ({@link AccountSecrets#sameAccountScan}).
 */
public final class SameAccountSecrets {
    private SameAccountSecrets() {}

    /**
     * What the current version of one secret under the prefix says about its account (no key
     * value).
     */
    public record Holder(
            String secretId, String clientId, String username, List<String> linkedSecrets) {}

    /**
     * The secrets under the prefix: those read, and those that could not be read (named, with the
     * reason).
     */
    public record Scan(List<Holder> holders, List<String> unreadable) {}

    /**
     * The copies to store each new key in, or why nothing may rotate ({@code refusal} non-null).
     */
    public record Verdict(List<String> linked, String refusal) {
        static Verdict refuse(String reason) {
            return new Verdict(List.of(), reason);
        }
    }

    public static Verdict judge(String self, AccountSecret secret, String prefix, Scan scan) {
        String clientId = secret.account().clientId();
        String username = secret.account().username();
        List<Holder> same =
                scan.holders().stream()
                        .filter(
                                h ->
                                        !h.secretId().equals(self)
                                                && clientId.equals(h.clientId())
                                                && username.equals(h.username()))
                        .toList();

        Optional<Holder> primary =
                same.stream().filter(h -> h.linkedSecrets().contains(self)).findFirst();
        if (primary.isPresent()) {
            return Verdict.refuse(
                    "secret "
                            + self
                            + " is a linked copy of "
                            + primary.get().secretId()
                            + " (listed in its linkedSecrets): rotating "
                            + primary.get().secretId()
                            + " stores every new key"
                            + " here too, so rotate or reset that secret, not this copy");
        }
        for (String declared : secret.linkedSecrets()) {
            if (!declared.startsWith(prefix)) {
                return Verdict.refuse(
                        "linkedSecrets of "
                                + self
                                + " names "
                                + declared
                                + ", which is not under the"
                                + " prefix "
                                + prefix
                                + " that this stack may write: move the copy under the prefix or"
                                + " remove it from linkedSecrets");
            }
            Optional<Holder> holder =
                    scan.holders().stream().filter(h -> h.secretId().equals(declared)).findFirst();
            if (holder.isEmpty()) {
                Optional<String> unreadable =
                        scan.unreadable().stream()
                                .filter(u -> u.startsWith(declared + " "))
                                .findFirst();
                return Verdict.refuse(
                        "linkedSecrets of "
                                + self
                                + " names "
                                + declared
                                + ", which "
                                + unreadable
                                        .map(
                                                u ->
                                                        "cannot be read ("
                                                                + u.substring(declared.length() + 1)
                                                                + ")")
                                        .orElse("does not exist")
                                + ": fix or remove the entry");
            }
            if (!clientId.equals(holder.get().clientId())
                    || !username.equals(holder.get().username())) {
                return Verdict.refuse(
                        "linkedSecrets of "
                                + self
                                + " names "
                                + declared
                                + ", which holds another"
                                + " Veryfi account: a linked secret must hold the same client id and username");
            }
        }
        List<String> undeclared = new ArrayList<>();
        for (Holder holder : same) {
            if (!secret.linkedSecrets().contains(holder.secretId())) {
                undeclared.add(holder.secretId());
            }
        }
        if (!undeclared.isEmpty()) {
            return Verdict.refuse(
                    "secret(s) "
                            + undeclared
                            + " hold the same Veryfi account as "
                            + self
                            + " (client id "
                            + clientId
                            + ", username "
                            + username
                            + ") and are not linked to it: rotating "
                            + self
                            + " would delete the key they hold and lock their consumers out. Add \"linkedSecrets\": "
                            + quoted(undeclared)
                            + " to "
                            + self
                            + " (each new key is then stored in them too and their"
                            + " consumers are checked before the old key goes), or delete the copies, then run again");
        }
        return new Verdict(secret.linkedSecrets(), null);
    }

    /**
     * The fleet's view of the prefix: groups of secrets that hold one account and are not all
     * linked from one of them (each such group's rotations are refused until someone links or
     * removes the copies), and the linked copies, which are rotated with the secret that lists them
     * and so are not rotated on their own.
     */
    public record FleetView(
            List<List<String>> unlinkedGroups, java.util.Set<String> linkedCopies) {}

    public static FleetView fleetView(Scan scan) {
        java.util.Map<String, List<Holder>> byAccount = new java.util.TreeMap<>();
        for (Holder holder : scan.holders()) {
            byAccount
                    .computeIfAbsent(
                            holder.clientId() + "\n" + holder.username(), k -> new ArrayList<>())
                    .add(holder);
        }
        List<List<String>> unlinked = new ArrayList<>();
        java.util.Set<String> copies = new java.util.TreeSet<>();
        for (List<Holder> group : byAccount.values()) {
            // A group of one is its own primary: no copy, nothing unlinked.
            List<String> names = group.stream().map(Holder::secretId).sorted().toList();
            Optional<Holder> primary =
                    group.stream()
                            .filter(
                                    h ->
                                            names.stream()
                                                    .allMatch(
                                                            n ->
                                                                    n.equals(h.secretId())
                                                                            || h.linkedSecrets()
                                                                                    .contains(n)))
                            .findFirst();
            if (primary.isPresent()) {
                names.stream()
                        .filter(n -> !n.equals(primary.get().secretId()))
                        .forEach(copies::add);
            } else {
                unlinked.add(names);
            }
        }
        return new FleetView(List.copyOf(unlinked), java.util.Collections.unmodifiableSet(copies));
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "\"" + n + "\"").toList().toString();
    }
}
