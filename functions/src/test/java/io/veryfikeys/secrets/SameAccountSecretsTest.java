package io.veryfikeys.secrets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21 item 1, the decision alone: which secrets under the prefix hold the same Veryfi account
 * as the one being rotated, and whether the rotation may go on. Each row: the rotated secret's
 * linkedSecrets, the secrets found under the prefix ({@code name=clientId/username>links}, links
 * separated by {@code +}), those that could not be read, and the copies to update or the refusal.
 */
class SameAccountSecretsTest {
    private static final String SELF = "veryfi/payroll";

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // why                                  | linkedSecrets of self           | found
                // under the prefix                                                    | unreadable
                //                    | linked or refusal
                "alone under the prefix                 |                                 | veryfi/payroll=c1/bot                                                     |                                | linked: []",
                "other accounts do not matter           |                                 | veryfi/payroll=c1/bot; veryfi/hr=c2/bot; veryfi/docs=c1/other              |                                | linked: []",
                "an unlinked copy is refused, named     |                                 | veryfi/payroll=c1/bot; veryfi/payroll-eu=c1/bot                            |                                | refused: secret(s) [veryfi/payroll-eu] hold the same Veryfi account",
                "the refusal gives the fix to paste     |                                 | veryfi/payroll=c1/bot; veryfi/payroll-eu=c1/bot                            |                                | refused: Add \"linkedSecrets\": [\"veryfi/payroll-eu\"] to veryfi/payroll",
                "two unlinked copies are both named     |                                 | veryfi/a=c1/bot; veryfi/payroll=c1/bot; veryfi/z=c1/bot                    |                                | refused: secret(s) [veryfi/a, veryfi/z] hold the same Veryfi account",
                "a declared copy is updated             | veryfi/payroll-eu               | veryfi/payroll=c1/bot; veryfi/payroll-eu=c1/bot                            |                                | linked: [veryfi/payroll-eu]",
                "one declared, one not: refused         | veryfi/payroll-eu               | veryfi/payroll=c1/bot; veryfi/payroll-eu=c1/bot; veryfi/payroll-us=c1/bot  |                                | refused: secret(s) [veryfi/payroll-us] hold the same Veryfi account",
                "the copy itself is not rotated         |                                 | veryfi/main=c1/bot>veryfi/payroll; veryfi/payroll=c1/bot                   |                                | refused: secret veryfi/payroll is a linked copy of veryfi/main",
                "a declared copy must exist             | veryfi/gone                     | veryfi/payroll=c1/bot                                                     |                                | refused: names veryfi/gone, which does not exist",
                "a declared copy must be readable       | veryfi/sealed                   | veryfi/payroll=c1/bot                                                     | veryfi/sealed AccessDeniedException | refused: names veryfi/sealed, which cannot be read (AccessDeniedException)",
                "another secret's read error is not its | veryfi/gone                     | veryfi/payroll=c1/bot                                                     | veryfi/sealed AccessDeniedException | refused: names veryfi/gone, which does not exist",
                "a declared copy must hold this account | veryfi/hr                       | veryfi/payroll=c1/bot; veryfi/hr=c2/bot                                    |                                | refused: names veryfi/hr, which holds another Veryfi account",
                "same client id, another username       | veryfi/ops                      | veryfi/payroll=c1/bot; veryfi/ops=c1/other                                 |                                | refused: names veryfi/ops, which holds another Veryfi account",
                "a declared copy must be under prefix   | other/payroll                   | veryfi/payroll=c1/bot                                                     |                                | refused: names other/payroll, which is not under the prefix veryfi/",
                "an unreadable stranger does not block  |                                 | veryfi/payroll=c1/bot                                                     | veryfi/sealed AccessDeniedException | linked: []",
            })
    void decides(String why, String declared, String found, String unreadable, String expected) {
        String links =
                declared == null
                        ? ""
                        : ",\"linkedSecrets\":"
                                + Arrays.stream(declared.split("\\+"))
                                        .map(n -> "\"" + n.trim() + "\"")
                                        .toList();
        AccountSecret self =
                AccountSecret.parse(
                        SELF,
                        "{\"clientId\":\"c1\",\"username\":\"bot\",\"apiKey\":\"k\",\"apiKeyId\":1"
                                + links
                                + "}");
        SameAccountSecrets.Scan scan =
                new SameAccountSecrets.Scan(
                        holders(found),
                        unreadable == null ? List.of() : List.of(unreadable.trim()));

        SameAccountSecrets.Verdict verdict = SameAccountSecrets.judge(SELF, self, "veryfi/", scan);

        if (expected.startsWith("linked: ")) {
            assertThat(verdict.refusal()).as(why).isNull();
            assertThat(verdict.linked().toString())
                    .as(why)
                    .isEqualTo(expected.substring("linked: ".length()));
        } else {
            assertThat(verdict.refusal())
                    .as(why)
                    .contains(expected.substring("refused: ".length()));
            assertThat(verdict.linked()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // why                                   | found under the prefix
                //                           | unlinked groups                 | linked copies
                "one secret per account                  | veryfi/a=c1/bot; veryfi/b=c2/bot                                     | []                              | []",
                "a copy nobody linked                    | veryfi/a=c1/bot; veryfi/a-copy=c1/bot; veryfi/b=c2/bot               | [[veryfi/a, veryfi/a-copy]]     | []",
                "a copy linked by the primary            | veryfi/a=c1/bot>veryfi/a-copy; veryfi/a-copy=c1/bot                  | []                              | [veryfi/a-copy]",
                "two copies, one linked: the group flags | veryfi/a=c1/bot>veryfi/x; veryfi/x=c1/bot; veryfi/y=c1/bot           | [[veryfi/a, veryfi/x, veryfi/y]] | []",
                "same client id, other username          | veryfi/a=c1/bot; veryfi/b=c1/other                                   | []                              | []",
            })
    void theFleetSeesGroupsOfOneAccount(String why, String found, String groups, String copies) {
        SameAccountSecrets.FleetView view =
                SameAccountSecrets.fleetView(
                        new SameAccountSecrets.Scan(holders(found), List.of()));
        assertThat(view.unlinkedGroups().toString()).as(why).isEqualTo(groups);
        assertThat(view.linkedCopies().toString()).as(why).isEqualTo(copies);
    }

    /** {@code name=clientId/username>link+link; ...}: the secrets found under the prefix. */
    private static List<SameAccountSecrets.Holder> holders(String found) {
        List<SameAccountSecrets.Holder> holders = new ArrayList<>();
        for (String entry : found.split(";")) {
            String[] nameAndRest = entry.trim().split("=");
            String[] accountAndLinks = nameAndRest[1].split(">");
            String[] account = accountAndLinks[0].split("/");
            holders.add(
                    new SameAccountSecrets.Holder(
                            nameAndRest[0],
                            account[0],
                            account[1],
                            accountAndLinks.length > 1
                                    ? List.of(accountAndLinks[1].split("\\+"))
                                    : List.of()));
        }
        return holders;
    }
}
