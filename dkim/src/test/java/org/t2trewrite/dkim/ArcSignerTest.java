package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.glue.MessageBytes;

/**
 * The ARC signer against RFC 8617's rules (order of the set, i= tags, what the seal covers) and
 * against python3-dkim (dkimpy), an independent implementation, in both directions.
 */
class ArcSignerTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_780_000_000L);
    private static final Domain RELAY = Domain.of("relay.example");
    private static final DkimKey RSA = DkimKey.rsa(KeyName.of(RELAY, Selector.of("arc")),
        (java.security.interfaces.RSAPrivateKey) TestKeys.RSA_2048.getPrivate());
    private static final java.security.KeyPair SECOND_RSA = TestKeys.rsa(2048);
    private static final DkimKey RSA_2 = DkimKey.rsa(KeyName.of(RELAY, Selector.of("arc2")),
        (java.security.interfaces.RSAPrivateKey) SECOND_RSA.getPrivate());
    private static final DkimKey ED25519 = DkimKey.ed25519(KeyName.of(RELAY, Selector.of("arced")), TestKeys.ED25519);
    private static final String MESSAGE = "From: Ext Person <bob@ext.example>\r\n"
        + "To: alice@source.example\r\n"
        + "Cc: carol@source.example\r\n"
        + "Subject: Re: hello\r\n"
        + "Date: Wed, 2 Dec 2026 02:00:00 +0000\r\n"
        + "Message-ID: <reply-1@ext.example>\r\n"
        + "\r\n"
        + "Thanks, see you.\r\n";

    @TempDir
    Path work;

    private final Map<String, String> dns = new HashMap<>();
    private final TxtLookup lookup = name -> dns.containsKey(name.toLowerCase(Locale.ROOT))
        ? TxtAnswer.found(List.of(dns.get(name.toLowerCase(Locale.ROOT)))) : TxtAnswer.none();
    private final ArcSigner signer = new ArcSigner(SignedHeaders.of(ArcSigner.DEFAULT_SIGNED_HEADERS, List.of()));

    ArcSignerTest() {
        dns.put("arc._domainkey.relay.example", TestKeys.rsaRecord(TestKeys.RSA_2048));
        dns.put("arced._domainkey.relay.example", TestKeys.ed25519Record(TestKeys.ED25519));
        dns.put("arc2._domainkey.relay.example", TestKeys.rsaRecord(SECOND_RSA));
    }

    @Test
    void firstSetIsSealInstanceOneWithCvNoneAboveMessageSignatureAboveResults() {
        byte[] sealed = seal(MESSAGE.getBytes(StandardCharsets.US_ASCII), RSA);
        List<HeaderField> fields = MessageBytes.own(sealed).header().fields();

        assertThat(fields.subList(0, 3)).extracting(HeaderField::name)
            .containsExactly("ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results");
        TagList seal = TagList.parse(fields.get(0).value());
        assertThat(seal.require("i")).isEqualTo("1");
        assertThat(seal.require("cv")).isEqualTo("none");
        assertThat(seal.has("h")).as("an ARC-Seal has no h= (§4.1.3)").isFalse();
        assertThat(seal.require("d")).isEqualTo("relay.example");
        TagList ams = TagList.parse(fields.get(1).value());
        assertThat(ams.require("i")).isEqualTo("1");
        assertThat(ams.require("c")).isEqualTo("relaxed/relaxed");
        assertThat(SignedHeaders.parseList(ams.require("h"))).contains("from", "to", "cc")
            .doesNotContain("arc-seal", "authentication-results");
        assertThat(fields.get(2).value().replaceAll("\\s+", " ")).startsWith(" i=1; relay.example; dkim=pass");
        // The message below the set is unchanged.
        assertThat(new String(sealed, StandardCharsets.US_ASCII)).endsWith(MESSAGE);
        assertThat(validate(sealed).status()).isEqualTo(ArcChain.Status.PASS);
    }

    @Test
    void secondSetIsInstanceTwoWithCvPassAndItsSealCoversTheFirstSet() {
        byte[] once = seal(MESSAGE.getBytes(StandardCharsets.US_ASCII), RSA);
        byte[] twice = seal(once, ED25519);

        ArcChain chain = validate(twice);
        assertThat(chain.status()).as(chain.reason()).isEqualTo(ArcChain.Status.PASS);
        assertThat(chain.sets()).hasSize(2);
        assertThat(chain.sets().get(1).sealTags().require("cv")).isEqualTo("pass");
        assertThat(chain.sets().get(1).sealTags().require("i")).isEqualTo("2");

        // Changing the first set's results breaks the second seal (it covers set 1), not the newest AMS.
        String tampered = new String(twice, StandardCharsets.ISO_8859_1).replace("i=1; relay.example;\r\n\tdkim=pass", "i=1; relay.example;\r\n\tdkim=fail");
        ArcChain broken = validate(tampered.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(broken.status()).isEqualTo(ArcChain.Status.FAIL);
        assertThat(broken.reason()).contains("ARC-Seal i=");
    }

    @Test
    void aChangeAfterSealingBreaksTheMessageSignature() {
        String sealed = new String(seal(MESSAGE.getBytes(StandardCharsets.US_ASCII), RSA), StandardCharsets.US_ASCII);

        ArcChain body = validate(sealed.replace("see you", "see ya").getBytes(StandardCharsets.US_ASCII));
        ArcChain to = validate(sealed.replace("To: alice@source", "To: mallory@source").getBytes(StandardCharsets.US_ASCII));

        assertThat(body.status()).isEqualTo(ArcChain.Status.FAIL);
        assertThat(body.reason()).contains("ARC-Message-Signature i=1").contains("body hash");
        assertThat(to.status()).isEqualTo(ArcChain.Status.FAIL);
        assertThat(to.reason()).contains("signature did not verify");
    }

    @Test
    void missingInstanceIsAFailedChainAndTheNextInstanceIsAboveTheHighest() {
        String sealed = new String(seal(MESSAGE.getBytes(StandardCharsets.US_ASCII), RSA), StandardCharsets.US_ASCII);
        String renumbered = sealed.replace("i=1;", "i=2;");

        HeaderSection fields = MessageBytes.own(renumbered.getBytes(StandardCharsets.US_ASCII)).header();
        assertThat(ArcChain.validate(fields, body(renumbered.getBytes(StandardCharsets.US_ASCII)), lookup, NOW).status())
            .isEqualTo(ArcChain.Status.FAIL);
        assertThat(ArcChain.nextInstance(fields)).isEqualTo(3);
    }

    @Test
    void onAFailedChainTheSealSaysCvFailAndCoversOnlyItsOwnSet() {
        String sealed = new String(seal(MESSAGE.getBytes(StandardCharsets.US_ASCII), RSA), StandardCharsets.US_ASCII);
        byte[] broken = sealed.replace("To: alice@source", "To: mallory@source").getBytes(StandardCharsets.US_ASCII);

        byte[] resealed = seal(broken, RSA_2);

        List<ArcChain.Set> sets = ArcChain.sets(MessageBytes.own(resealed).header());
        ArcChain.Set ours = sets.get(1);
        TagList tags = ours.sealTags();
        assertThat(tags.require("i")).isEqualTo("2");
        assertThat(tags.require("cv")).isEqualTo("fail");
        // §5.1.2: the b= signs our AAR, AMS and AS alone, as if no earlier set existed.
        java.io.ByteArrayOutputStream data = ArcChain.sealedData(List.of(), ours.authenticationResults(), ours.messageSignature());
        SignatureCheck.canonical(SignatureCheck.withEmptySignature(ours.seal().rawBytes()), true, false, data);
        assertThat(KeyRecord.parse(TestKeys.rsaRecord(SECOND_RSA)).verifies(data.toByteArray(),
            java.util.Base64.getDecoder().decode(tags.require("b")))).isTrue();
        assertThat(validate(resealed).status()).isEqualTo(ArcChain.Status.FAIL);
    }

    @Test
    void dkimpyVerifiesOurOneAndTwoSetChains() {
        // dkimpy 1.1.4 verifies rsa-sha256 ARC only ("unknown signature algorithm: ed25519-sha256").
        Verifiers.requirePythonDkim();
        byte[] once = seal(MESSAGE.getBytes(StandardCharsets.US_ASCII), RSA);
        byte[] twice = seal(once, RSA_2);

        Verifiers.PythonResult first = verifiers().arcPython(once, work, "verify");
        Verifiers.PythonResult second = verifiers().arcPython(twice, work, "verify");

        assertThat(first.allPass()).as(first.toString()).isTrue();
        assertThat(second.allPass()).as(second.toString()).isTrue();
        assertThat(second.output()).contains("instance=2 ams=True as=True");
    }

    @Test
    void dkimpyRejectsOurChainAfterAChangedRecipient() {
        Verifiers.requirePythonDkim();
        String sealed = new String(seal(MESSAGE.getBytes(StandardCharsets.US_ASCII), RSA), StandardCharsets.US_ASCII);

        Verifiers.PythonResult result = verifiers().arcPython(
            sealed.replace("Cc: carol@", "Cc: mallory@").getBytes(StandardCharsets.US_ASCII), work, "verify");

        assertThat(result.allPass()).isFalse();
        assertThat(result.output()).startsWith("cv=fail");
    }

    @Test
    void weVerifyDkimpysChainAndHashTheBodyAsItDoes() throws Exception {
        Verifiers.requirePythonDkim();
        Path key = Files.writeString(work.resolve("arc.pem"), TestKeys.pkcs1(TestKeys.RSA_2048), StandardCharsets.US_ASCII);
        byte[] input = ("Authentication-Results: relay.example; dkim=pass header.d=ext.example; arc=none\r\n" + MESSAGE)
            .getBytes(StandardCharsets.US_ASCII);

        Verifiers.PythonResult signed = verifiers().arcPython(input, work, "sign", "arc", "relay.example", key.toString(), "relay.example");
        byte[] theirs = signed.output().getBytes(StandardCharsets.ISO_8859_1);
        assertThat(signed.allPass()).as(signed.toString()).isTrue();

        ArcChain chain = validate(theirs);
        assertThat(chain.status()).as(chain.reason()).isEqualTo(ArcChain.Status.PASS);
        byte[] ours = seal(input, RSA);
        assertThat(bodyHash(ours)).isEqualTo(bodyHash(theirs));
        // Ours on top of theirs: instance 2, cv=pass, and dkimpy accepts the two-set chain.
        byte[] both = seal(theirs, RSA_2);
        Verifiers.PythonResult verified = verifiers().arcPython(both, work, "verify");
        assertThat(verified.allPass()).as(verified.toString()).isTrue();
    }

    private byte[] seal(byte[] message, DkimKey key) {
        MessageBytes bytes = MessageBytes.own(message);
        HeaderSection fields = bytes.header();
        ArcChain chain = ArcChain.validate(fields, body(message), lookup, NOW);
        List<ArcChain.Set> earlier = chain.status() == ArcChain.Status.FAIL ? List.of() : chain.sets();
        List<byte[]> set = signer.seal(fields, bytes.bodyCopy(), ArcChain.nextInstance(fields), earlier,
            "relay.example; dkim=pass header.d=ext.example header.s=sel; spf=pass smtp.mailfrom=bob@ext.example",
            chain.status(), key, NOW);
        List<byte[]> parts = new ArrayList<>(set);
        parts.add(message);
        int length = parts.stream().mapToInt(part -> part.length).sum();
        byte[] out = new byte[length];
        int position = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, position, part.length);
            position += part.length;
        }
        return out;
    }

    private ArcChain validate(byte[] message) {
        return ArcChain.validate(MessageBytes.own(message).header(), body(message), lookup, NOW);
    }

    private static byte[] body(byte[] message) {
        return MessageBytes.own(message).bodyCopy();
    }

    private static String bodyHash(byte[] message) {
        HeaderField ams = MessageBytes.own(message).header().fields("ARC-Message-Signature").get(0);
        return TagList.parse(ams.value()).require("bh");
    }

    private Verifiers verifiers() {
        return new Verifiers()
            .publish("arc", "relay.example", dns.get("arc._domainkey.relay.example"))
            .publish("arced", "relay.example", dns.get("arced._domainkey.relay.example"))
            .publish("arc2", "relay.example", dns.get("arc2._domainkey.relay.example"));
    }
}
