package org.t2trewrite.core.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Whatever content is encoded in a found style decodes back to exactly that content: the
 * calendar rewrite's second pass depends on it (a part re-encoded by the first pass must read
 * back as the edited calendar). The style itself may drift (a QP width read from lines that
 * an =XX did not fill), which only matters when the content changes again.
 */
class TransferCodecProperties {

    @Provide
    Arbitrary<DecodedBody> styles() {
        return Arbitraries.of(
            "base64:QkVHSU46VkNBTEVOREFSDQpFTkQ6VkNBTEVOREFSDQo=\r\n",
            "base64:QkVHSU46VkNB\nTEVOREFSDQpFTkQ6\nVkNBTEVOREFSDQo=",
            "quoted-printable:a=3Db=\r\nc\r\n",
            "quoted-printable:0123456789012345678901234567890123456789=\n0123\n",
            "quoted-printable:x",
            "8bit:x").map(spec -> {
                int colon = spec.indexOf(':');
                return TransferCodec.decode(spec.substring(0, colon), spec.substring(colon + 1).getBytes(StandardCharsets.ISO_8859_1));
            });
    }

    @Provide
    Arbitrary<byte[]> contents() {
        Arbitrary<Byte> textish = Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.bytes().between((byte) 32, (byte) 126)),
            Tuple.of(2, Arbitraries.of((byte) '\r', (byte) '\n', (byte) ' ', (byte) '\t', (byte) '=')),
            Tuple.of(1, Arbitraries.bytes()));
        return textish.array(byte[].class).ofMaxSize(400);
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void encodedContentDecodesToItself(@ForAll("styles") DecodedBody style, @ForAll("contents") byte[] content) {
        byte[] encoded = style.encode(content);
        String encoding = style.toString().contains("BASE64") ? "base64"
            : style.toString().contains("QUOTED") ? "quoted-printable" : "8bit";

        DecodedBody again = TransferCodec.decode(encoding, encoded);

        assertThat(again.failure()).isEmpty();
        assertThat(again.content()).isEqualTo(content);
    }
}
