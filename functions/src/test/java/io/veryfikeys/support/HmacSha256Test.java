package io.veryfikeys.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/** Our HMAC-SHA256 against RFC 4231's test vectors and against the JDK's javax.crypto.Mac. */
class HmacSha256Test {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * RFC 4231, section 4 (test case 5, an output truncated to 128 bits, is left out): keys and
     * data in hex, or as text where the RFC gives text.
     */
    @ParameterizedTest(name = "RFC 4231 test case {0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            1 | hex:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b | text:Hi There | b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7
            2 | text:Jefe | text:what do ya want for nothing? | 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843
            3 | hex:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | rep:dd:50 | 773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe
            4 | hex:0102030405060708090a0b0c0d0e0f10111213141516171819 | rep:cd:50 | 82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b
            6 | rep:aa:131 | text:Test Using Larger Than Block-Size Key - Hash Key First | 60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54
            7 | rep:aa:131 | text:This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm. | 9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2
            """)
    void rfc4231TestVectors(int testCase, String key, String data, String expected) {
        assertThat(HEX.formatHex(HmacSha256.of(bytes(key), bytes(data)))).isEqualTo(expected);
    }

    /** Keys around the block size (64 bytes), where the key is padded or hashed first. */
    @Test
    void agreesWithJavaxCryptoMacOnKeysAndMessagesOfEveryLengthAroundTheBlockSize()
            throws Exception {
        Random random = new Random(18);
        Mac mac = Mac.getInstance("HmacSHA256");
        for (int keyLength = 0; keyLength <= 150; keyLength++) {
            for (int messageLength : new int[] {0, 1, 55, 56, 63, 64, 65, 200}) {
                byte[] key = new byte[keyLength];
                byte[] message = new byte[messageLength];
                random.nextBytes(key);
                random.nextBytes(message);
                byte[] copy = key.clone();
                byte[] expected = keyLength == 0 ? emptyKeyMac(message) : macOf(mac, key, message);
                assertThat(HmacSha256.of(key, message))
                        .as("key of %d bytes, message of %d", keyLength, messageLength)
                        .isEqualTo(expected);
                assertThat(key).as("the caller's key is left as it was").isEqualTo(copy);
            }
        }
    }

    private static byte[] macOf(Mac mac, byte[] key, byte[] message) throws Exception {
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message);
    }

    /**
     * SecretKeySpec refuses an empty key; RFC 2104 pads it with zeros, which is the same as a key
     * of one zero byte.
     */
    private static byte[] emptyKeyMac(byte[] message) throws Exception {
        return macOf(Mac.getInstance("HmacSHA256"), new byte[1], message);
    }

    private static byte[] bytes(String spec) {
        if (spec.startsWith("hex:")) {
            return HEX.parseHex(spec.substring(4));
        }
        if (spec.startsWith("rep:")) {
            String[] parts = spec.split(":");
            byte[] out = new byte[Integer.parseInt(parts[2])];
            java.util.Arrays.fill(out, (byte) Integer.parseInt(parts[1], 16));
            return out;
        }
        return spec.substring("text:".length()).getBytes(StandardCharsets.UTF_8);
    }
}
