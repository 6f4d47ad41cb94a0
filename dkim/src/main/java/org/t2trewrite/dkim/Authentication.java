package org.t2trewrite.dkim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.james.jspf.executor.SPFResult;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.AddressHeaderParser;
import org.t2trewrite.core.header.AddressParse;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;

/**
 * What a message's authentication says before we change it: every DKIM signature
 * ({@link SignatureCheck}), SPF for the connecting IP and {@code MAIL FROM} (jSPF, RFC 7208), DMARC
 * for the {@code From} domain ({@link Dmarc}) and the ARC chain it arrived with ({@link ArcChain}),
 * as the payload of an Authentication-Results field (RFC 8601) and the chain status for the seal.
 *
 * <p>Example payload: {@code relay.example; dkim=pass header.d=ext.example header.s=s1
 * header.b=AbCdEf12; spf=pass smtp.mailfrom=bob@ext.example; dmarc=pass (p=reject)
 * header.from=ext.example; arc=none}. Reasons go into comments; no value carries {@code ;}.
 *
 * <p>Immutable. Every look-up goes through the mail's DNS budget: a DNS failure gives
 * {@code temperror} for that method, never an exception.
 */
final class Authentication {
    private final String payload;
    private final ArcChain.Status chain;

    private Authentication(String payload, ArcChain.Status chain) {
        this.payload = payload;
        this.chain = chain;
    }

    /**
     * @param clientIp the connecting client's IP address, empty when unknown (SPF is then none)
     * @param helo the name the client gave in HELO/EHLO (or its host name)
     * @param mailFrom the envelope sender, empty for the null sender
     */
    static Authentication assess(String authservId, HeaderSection fields, byte[] body, Optional<String> clientIp,
                                 String helo, Optional<Address> mailFrom, CachedDns.Budget dns, Instant now) {
        List<String> results = new ArrayList<>();
        List<String> dkimPassDomains = new ArrayList<>();
        List<HeaderField> signatures = fields.fields("DKIM-Signature");
        if (signatures.isEmpty()) {
            results.add("dkim=none");
        }
        for (HeaderField signature : signatures) {
            SignatureCheck.Verdict verdict = SignatureCheck.dkim(fields, body, signature, dns, now);
            if (verdict.result() == SignatureCheck.Result.PASS) {
                dkimPassDomains.add(verdict.domain());
            }
            results.add("dkim=" + verdict.result().word() + comment(verdict.reason())
                + (verdict.domain().isEmpty() ? "" : " header.d=" + verdict.domain())
                + (verdict.selector().isEmpty() ? "" : " header.s=" + verdict.selector())
                + (verdict.signaturePrefix().isEmpty() ? "" : " header.b=" + verdict.signaturePrefix()));
        }

        Optional<String> spfPassDomain = Optional.empty();
        String spfIdentity = mailFrom.map(Address::toString).orElse("postmaster@" + helo);
        String spf;
        if (clientIp.isEmpty()) {
            spf = "none" + comment("no client IP address");
        } else {
            SPFResult result = dns.spf().checkSPF(clientIp.get(), mailFrom.map(Address::toString).orElse(""), helo);
            spf = result.getResult().toLowerCase(Locale.ROOT);
            if (spf.equals("pass")) {
                spfPassDomain = Optional.of(spfIdentity.substring(spfIdentity.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT));
            }
        }
        results.add("spf=" + spf + " smtp.mailfrom=" + spfIdentity);

        Optional<String> fromDomain = fromDomain(fields);
        if (fromDomain.isEmpty()) {
            results.add("dmarc=none" + comment("no single From address"));
        } else {
            Dmarc dmarc = Dmarc.evaluate(fromDomain.get(), dkimPassDomains, spfPassDomain, dns);
            results.add("dmarc=" + dmarc.result().word()
                + (dmarc.policy().isEmpty() ? "" : " (p=" + dmarc.policy() + ")")
                + (dmarc.result() == SignatureCheck.Result.TEMPERROR ? comment(dmarc.reason()) : "")
                + " header.from=" + fromDomain.get());
        }

        ArcChain chain = ArcChain.validate(fields, body, dns, now);
        results.add("arc=" + chain.status().word() + comment(chain.reason()));
        return new Authentication(authservId + "; " + String.join("; ", results), chain.status());
    }

    /** The domain of the one {@code From} address; empty for none, several, or an unparseable field. */
    private static Optional<String> fromDomain(HeaderSection fields) {
        List<HeaderField> from = fields.fields("From");
        if (from.size() != 1) {
            return Optional.empty();
        }
        AddressParse parse = AddressHeaderParser.parse(from.get(0));
        if (!parse.isParsed() || parse.addresses().size() != 1) {
            return Optional.empty();
        }
        return Optional.of(parse.addresses().get(0).domain().key());
    }

    /** An RFC 5322 comment, without the characters that would end it or the result. */
    private static String comment(String reason) {
        if (reason.isEmpty()) {
            return "";
        }
        String clean = reason.replaceAll("[;()\\\\\\r\\n\"]", " ").replaceAll("\\s+", " ").trim();
        return " (" + (clean.length() > 120 ? clean.substring(0, 120) : clean) + ")";
    }

    /** The Authentication-Results payload: authserv-id, then each method's result. */
    String payload() {
        return payload;
    }

    /** The ARC chain's status as it arrived, the {@code cv=} of the set we add. */
    ArcChain.Status chain() {
        return chain;
    }
}
