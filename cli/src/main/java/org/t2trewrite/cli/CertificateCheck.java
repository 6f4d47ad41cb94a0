package org.t2trewrite.cli;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Checks a TLS certificate chain and its key for the relay's SMTP service, writing into a
 * {@link SetupReport}: every certificate's dates (days left, a warning under {@code warnDays}),
 * a key of at least 2048 bits (RSA) or 256 bits (EC), the chain in order (each certificate
 * issued and signed by the next), every host name covered by the relay's certificate
 * (subjectAltName dNSName, one-label wildcards; the CN only when there is no dNSName, RFC 6125
 * §6.4.4), an extended key usage allowing serverAuth (and clientAuth, a warning: Exchange Online's
 * certificate-named inbound connectors need it), and the key belonging to the first certificate (a signature made with it verifies
 * with the certificate's public key).
 *
 * <p>Does not: check revocation, build a path to a trusted root (the chain is what the relay
 * presents; the receiving server decides whom it trusts), or check name constraints.
 */
final class CertificateCheck {
    static final int MIN_RSA_BITS = 2048;
    static final int MIN_EC_BITS = 256;
    private static final int DNS_NAME = 2;
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    private CertificateCheck() {
    }

    static void check(List<X509Certificate> chain, PrivateKey key, List<String> hosts, Instant now, int warnDays,
                      SetupReport report) {
        X509Certificate leaf = chain.get(0);
        for (int i = 0; i < chain.size(); i++) {
            checkDates(i, chain.get(i), now, warnDays, report);
        }
        checkKeySize(leaf.getPublicKey(), report);
        checkOrder(chain, report);
        checkHosts(leaf, hosts, report);
        checkUsage(leaf, report);
        if (TlsKeystoreCommand.belongsTo(key, leaf.getPublicKey())) {
            report.ok("the key belongs to the certificate (" + name(leaf) + ")");
        } else {
            report.problem("the key does not belong to the first certificate (" + name(leaf) + "): give the key it was issued for,"
                + " or put the certificate of this key first");
        }
    }

    private static void checkDates(int index, X509Certificate certificate, Instant now, int warnDays, SetupReport report) {
        String which = index == 0 ? "the certificate (" + name(certificate) + ")" : "chain certificate " + (index + 1) + " (" + name(certificate) + ")";
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            report.problem(which + " is not valid yet: valid from " + notBefore + " (" + days(now, notBefore) + " days from now)");
        } else if (!now.isBefore(notAfter)) {
            report.problem(which + " expired on " + notAfter + " (" + days(notAfter, now) + " days ago): renew it");
        } else {
            long left = days(now, notAfter);
            if (left < warnDays) {
                report.warn(which + " expires on " + notAfter + ": " + left + " days left, renew it soon");
            } else {
                report.ok(which + " valid until " + notAfter + " (" + left + " days left)");
            }
        }
    }

    private static void checkKeySize(PublicKey key, SetupReport report) {
        if (key instanceof RSAKey) {
            int bits = ((RSAKey) key).getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                report.problem("the certificate's RSA key has " + bits + " bits; at least " + MIN_RSA_BITS + " are needed");
            } else {
                report.ok("RSA key of " + bits + " bits");
            }
        } else if (key instanceof ECKey) {
            int bits = ((ECKey) key).getParams().getOrder().bitLength();
            if (bits < MIN_EC_BITS) {
                report.problem("the certificate's EC key has " + bits + " bits; at least " + MIN_EC_BITS + " are needed");
            } else {
                report.ok("EC key of " + bits + " bits");
            }
        } else {
            report.warn("the certificate's key is " + key.getAlgorithm() + ": its size is not checked");
        }
    }

    private static void checkOrder(List<X509Certificate> chain, SetupReport report) {
        boolean inOrder = true;
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate child = chain.get(i);
            X509Certificate parent = chain.get(i + 1);
            if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal()) || !signedBy(child, parent.getPublicKey())) {
                inOrder = false;
                report.problem("chain out of order: certificate " + (i + 2) + " (" + name(parent) + ") did not issue certificate "
                    + (i + 1) + " (" + name(child) + ", issued by " + child.getIssuerX500Principal().getName()
                    + "): put the relay's certificate first, then each issuer after the certificate it signed");
                break;
            }
        }
        if (inOrder) {
            report.ok(chain.size() == 1 ? "one certificate, no chain (the receiving server must know its issuer)"
                : "chain of " + chain.size() + " certificates in order");
        }
    }

    private static boolean signedBy(X509Certificate certificate, PublicKey issuerKey) {
        try {
            certificate.verify(issuerKey);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static void checkHosts(X509Certificate leaf, List<String> hosts, SetupReport report) {
        List<String> names = dnsNames(leaf);
        String source = "subjectAltName";
        if (names.isEmpty()) {
            names = commonNames(leaf);
            source = "CN (no subjectAltName dNSName)";
        }
        for (String host : hosts) {
            if (names.stream().anyMatch(name -> covers(name, host))) {
                report.ok(host + " is covered by the certificate's " + source + " " + names);
            } else {
                report.problem(host + " is not covered by the certificate's " + source + " " + names
                    + ": get a certificate that names it, or correct --host");
            }
        }
    }

    /**
     * The relay is a TLS server (SMTP STARTTLS) and, towards Exchange Online connectors that name
     * its certificate, a TLS client: RFC 5280 §4.2.1.12 limits a certificate to the purposes its
     * extended key usage lists.
     */
    private static void checkUsage(X509Certificate leaf, SetupReport report) {
        List<String> usages;
        try {
            usages = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            report.problem("the certificate's extended key usage cannot be read: " + e.getMessage());
            return;
        }
        if (usages == null || usages.contains(ANY_USAGE)) {
            return;
        }
        if (!usages.contains(SERVER_AUTH)) {
            report.problem("the certificate's extended key usage lacks serverAuth: SMTP clients will refuse it for STARTTLS");
        }
        if (!usages.contains(CLIENT_AUTH)) {
            report.warn("the certificate's extended key usage lacks clientAuth: an Exchange Online inbound connector that names it"
                + " (TlsSenderCertificateName) will not accept it from the relay; use setup exchange --inbound-by ip, or a"
                + " certificate with clientAuth");
        }
    }

    /** RFC 6125 §6.4.3: a wildcard stands for exactly one left-most label. */
    static boolean covers(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
        }
        return p.equals(h);
    }

    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() >= 2 && Integer.valueOf(DNS_NAME).equals(entry.get(0))) {
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // An unreadable extension names nothing; the CN fallback and the host check say so.
        }
        return names;
    }

    private static List<String> commonNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // Not a parsable name: no CN to fall back to.
        }
        return names;
    }

    /** The certificate's subject in RFC 2253 form, for messages. */
    static String name(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    private static long days(Instant from, Instant to) {
        return Duration.between(from, to).toDays();
    }
}
