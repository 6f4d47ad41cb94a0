package org.t2trewrite.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.t2trewrite.core.Domain;
import org.t2trewrite.core.directory.ExemptionPattern;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Tenant;

/**
 * The Exchange Online PowerShell that puts one tenant's mail flow through the relay, as a list of
 * {@link Block}s, each saying what it does: the outbound connector to the relay, the inbound
 * connector accepting the relay's mail, Enhanced Filtering for that connector, the transport rule
 * that routes the eligible group's mail to external recipients through the relay, the rule that
 * routes mail for eligible people whose mailbox is in the other tenant through the relay, and
 * turning the rules on. Rules are created disabled, so that nothing changes before the operator
 * has checked the connectors (Exchange's connector validation, a test mail).
 *
 * <p>Which group goes out through the relay from which tenant: the source tenant sends the mail of
 * DayOne members (their mailboxes are still there; the relay presents their target address), the
 * target tenant sends the mail of DayTwo members (migrated; presented with their source address).
 * "External" is Exchange's {@code -SentToScope NotInOrganization}: the other tenant's domains are
 * external to each tenant, so mail between the tenants passes the relay too, which is what the
 * coexistence cases need (a DayTwo member's invitation to a colleague whose mailbox is still in
 * the source tenant reaches the relay, which hands that copy over unchanged; a DayOne member's
 * mail to a colleague already in the target tenant arrives with the target address).
 *
 * <p>Exceptions ({@link Exceptions}: senders, recipients, domains never rewritten) become
 * {@code -ExceptIfFromAddressMatchesPatterns} and {@code -ExceptIfRecipientAddressMatchesPatterns}
 * (anchored patterns, one exact address each: unlike {@code -ExceptIfFrom}/{@code -ExceptIfSentTo}
 * they need no recipient object, so outside addresses work too), {@code -ExceptIfSenderDomainIs}
 * and {@code -ExceptIfRecipientDomainIs} on both rules: such mail never reaches the relay.
 *
 * <p>Pure: generates text, never runs anything. Parameter names are those of Exchange Online's
 * New-OutboundConnector, New-InboundConnector, Set-InboundConnector, New-TransportRule and
 * Enable-TransportRule.
 */
final class ExchangeScript {
    static final String OUTBOUND_CONNECTOR = "T2T Rewrite relay";
    static final String INBOUND_CONNECTOR = "T2T Rewrite relay inbound";
    static final String OUTBOUND_RULE_PREFIX = "T2T Rewrite: ";
    static final String REPLY_RULE = "T2T Rewrite: mail for eligible people in the other tenant";

    /** How the inbound connector recognises the relay. */
    enum InboundBy {
        certificate, ip
    }

    /** Senders, recipients and domains whose mail is never routed through the relay. */
    static final class Exceptions {
        private final List<String> senders;
        private final List<String> recipients;
        private final List<String> domains;

        private Exceptions(List<String> senders, List<String> recipients, List<String> domains) {
            this.senders = List.copyOf(senders);
            this.recipients = List.copyOf(recipients);
            this.domains = List.copyOf(domains);
        }

        static Exceptions of(List<String> senders, List<String> recipients, List<String> domains) {
            return new Exceptions(lower(senders), lower(recipients), lower(domains));
        }

        /**
         * The exceptions of the directory configuration (the same lists the relay honours), each
         * entry as written there: {@code user@domain}, {@code prefix*@domain}, {@code @domain},
         * {@code user@*}.
         */
        static Exceptions from(Exemptions exemptions) {
            return of(texts(exemptions.senders()), texts(exemptions.recipients()),
                exemptions.domains().stream().map(Domain::name).sorted().collect(Collectors.toList()));
        }

        /** These exceptions and {@code other}'s, each entry once. */
        Exceptions and(Exceptions other) {
            return of(union(senders, other.senders), union(recipients, other.recipients), union(domains, other.domains));
        }

        private static List<String> texts(List<ExemptionPattern> patterns) {
            return patterns.stream().map(ExemptionPattern::toString).collect(Collectors.toList());
        }

        private static List<String> union(List<String> first, List<String> second) {
            Set<String> all = new LinkedHashSet<>(first);
            all.addAll(second);
            return new ArrayList<>(all);
        }

        static Exceptions none() {
            return of(List.of(), List.of(), List.of());
        }

        /**
         * From {@code --except} values: an address is never rewritten as sender nor as recipient;
         * a domain, as sender domain nor as recipient domain.
         */
        static Exceptions parse(List<String> values) {
            List<String> addresses = new ArrayList<>();
            List<String> domains = new ArrayList<>();
            for (String value : values) {
                if (value.indexOf('@') > 0 && value.indexOf('@') == value.lastIndexOf('@') && !value.endsWith("@")) {
                    addresses.add(value);
                } else {
                    try {
                        domains.add(Domain.of(value).name());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--except: neither an address nor a domain: '" + value + "'", e);
                    }
                }
            }
            return of(addresses, addresses, domains);
        }

        private static List<String> lower(List<String> values) {
            return values.stream().map(value -> value.trim().toLowerCase(Locale.ROOT)).distinct().collect(Collectors.toList());
        }

        boolean isEmpty() {
            return senders.isEmpty() && recipients.isEmpty() && domains.isEmpty();
        }
    }

    /** One step of the script: a title, what it does (comment lines), and the commands. */
    static final class Block {
        final String title;
        final List<String> explanation;
        final List<String> commands;

        Block(String title, List<String> explanation, List<String> commands) {
            this.title = title;
            this.explanation = List.copyOf(explanation);
            this.commands = List.copyOf(commands);
        }

        String render() {
            StringBuilder text = new StringBuilder("# ---- ").append(title).append(" ----\n");
            for (String line : explanation) {
                text.append("# ").append(line).append('\n');
            }
            for (String command : commands) {
                text.append(command).append('\n');
            }
            return text.toString();
        }
    }

    private final Tenant tenant;
    private final SetupConfig config;
    private final List<String> smartHosts;
    private final String tlsCertificateName;
    private final List<String> relayIps;
    private final InboundBy inboundBy;
    private final Exceptions exceptions;
    private final Optional<Domain> arcSealingDomain;

    ExchangeScript(Tenant tenant, SetupConfig config, List<String> smartHosts, String tlsCertificateName, List<String> relayIps,
                   InboundBy inboundBy, Exceptions exceptions) {
        this(tenant, config, smartHosts, tlsCertificateName, relayIps, inboundBy, exceptions, Optional.empty());
    }

    /** @param arcSealingDomain the relay's ARC sealing domain ({@code t2t.arc.domain}), when it seals */
    ExchangeScript(Tenant tenant, SetupConfig config, List<String> smartHosts, String tlsCertificateName, List<String> relayIps,
                   InboundBy inboundBy, Exceptions exceptions, Optional<Domain> arcSealingDomain) {
        this.arcSealingDomain = Objects.requireNonNull(arcSealingDomain);
        if (smartHosts.isEmpty()) {
            throw new IllegalArgumentException("at least one --relay-host is needed (the smart hosts of the outbound connector)");
        }
        if (inboundBy == InboundBy.ip && relayIps.isEmpty()) {
            throw new IllegalArgumentException("--inbound-by ip needs --relay-ip (the addresses the relay sends from)");
        }
        for (String ip : relayIps) {
            if (!(SpfEvaluator.literal(ip) instanceof java.net.Inet4Address)) {
                throw new IllegalArgumentException("--relay-ip: Exchange Online connectors take IPv4 addresses, not '" + ip + "'");
            }
        }
        this.tenant = Objects.requireNonNull(tenant);
        this.config = Objects.requireNonNull(config);
        this.smartHosts = List.copyOf(smartHosts);
        this.tlsCertificateName = Objects.requireNonNull(tlsCertificateName);
        this.relayIps = List.copyOf(relayIps);
        this.inboundBy = Objects.requireNonNull(inboundBy);
        this.exceptions = Objects.requireNonNull(exceptions);
    }

    /** The group whose mail this tenant sends through the relay. */
    Group outboundGroup() {
        return tenant == Tenant.SOURCE ? Group.DAY_ONE : Group.DAY_TWO;
    }

    String outboundRuleName() {
        return OUTBOUND_RULE_PREFIX + outboundGroup().configName() + " mail to external recipients";
    }

    List<Block> blocks() {
        List<Block> blocks = new ArrayList<>();
        blocks.add(outboundConnector());
        blocks.add(inboundConnector());
        blocks.add(enhancedFiltering());
        blocks.add(outboundRule());
        blocks.add(replyRule());
        blocks.add(enableRules());
        arcSealingDomain.ifPresent(domain -> blocks.add(trustArcSeals(domain)));
        return blocks;
    }

    String render() {
        StringBuilder text = new StringBuilder();
        text.append("# Exchange Online PowerShell for the ").append(tenant.configName()).append(" tenant (")
            .append(join(config.domains(tenant))).append("), generated by t2t-rewrite setup exchange from ")
            .append(config.origin()).append(".\n")
            .append("# Run it yourself, block by block, after Connect-ExchangeOnline as an administrator of this tenant;\n")
            .append("# t2t-rewrite never runs it. The groups must exist in this tenant as mail-enabled security or\n")
            .append("# distribution groups (transport rules match members of mail-enabled groups only); to create one here:\n")
            .append("#   New-DistributionGroup -Name '<group name>' -Type Security\n")
            .append("# (graph-check --create-groups makes security groups that are not mail-enabled: Graph cannot make others).\n\n");
        for (Block block : blocks()) {
            text.append(block.render()).append('\n');
        }
        return text.toString();
    }

    private Block outboundConnector() {
        return new Block("1. Outbound connector to the relay", List.of(
            "Sends mail to the relay (" + String.join(", ", smartHosts) + ") instead of the recipients' MX, over TLS that",
            "must verify the relay's certificate for " + tlsCertificateName + " (DomainValidation). Only transport rules",
            "send mail through it (IsTransportRuleScoped): nothing goes to the relay until the rules below say so."),
            List.of("New-OutboundConnector -Name " + quote(OUTBOUND_CONNECTOR) + " -ConnectorType Partner -UseMXRecord $false"
                + " -SmartHosts " + list(smartHosts) + " -TlsSettings DomainValidation -TlsDomain " + quote(tlsCertificateName)
                + " -IsTransportRuleScoped $true -Enabled $true -Comment " + quote("T2T rewrite relay (t2t-rewrite setup exchange)")));
    }

    private Block inboundConnector() {
        List<String> explanation = new ArrayList<>();
        explanation.add("Accepts the mail the relay sends to this tenant (rewritten replies for people whose mailbox is here,");
        explanation.add("mail of the other tenant's eligible people to this tenant) as partner mail, from any sender domain,");
        String identity;
        if (inboundBy == InboundBy.certificate) {
            explanation.add("over TLS only, and only from a server presenting the relay's certificate for " + tlsCertificateName + ".");
            identity = " -RequireTls $true -RestrictDomainsToCertificate $true -TlsSenderCertificateName " + quote(tlsCertificateName);
        } else {
            explanation.add("over TLS only, and only from the relay's addresses " + String.join(", ", relayIps) + ".");
            identity = " -RequireTls $true -RestrictDomainsToIPAddresses $true -SenderIPAddresses " + list(relayIps);
        }
        return new Block("2. Inbound connector from the relay", explanation,
            List.of("New-InboundConnector -Name " + quote(INBOUND_CONNECTOR) + " -ConnectorType Partner -SenderDomains '*'" + identity
                + " -Comment " + quote("T2T rewrite relay (t2t-rewrite setup exchange)")));
    }

    private Block enhancedFiltering() {
        List<String> explanation = new ArrayList<>();
        explanation.add("Enhanced Filtering for Connectors: mail the relay hands to this tenant looks, to Exchange Online");
        explanation.add("Protection, as if it came from the relay's address. Skipping that hop lets SPF, spoofing and spam");
        explanation.add("checks judge the server before the relay.");
        String command;
        if (relayIps.isEmpty()) {
            explanation.add("Skips the last hop (the relay); give --relay-ip to skip exactly the relay's addresses.");
            command = "Set-InboundConnector -Identity " + quote(INBOUND_CONNECTOR) + " -EFSkipLastIP $true";
        } else {
            explanation.add("Skips exactly the relay's addresses " + String.join(", ", relayIps) + ".");
            command = "Set-InboundConnector -Identity " + quote(INBOUND_CONNECTOR) + " -EFSkipLastIP $false -EFSkipIPs " + list(relayIps);
        }
        return new Block("3. Enhanced Filtering for the relay's connector", explanation, List.of(command));
    }

    private Block outboundRule() {
        Group group = outboundGroup();
        String groupName = config.group(group);
        List<String> explanation = new ArrayList<>();
        explanation.add("Routes the mail of " + group.configName() + " members ('" + groupName + "') to recipients outside this tenant");
        explanation.add("through the relay, which presents them with their " + group.presentedTenant().configName() + " address and signs"
            + " for " + join(config.domains(group.presentedTenant())) + ".");
        explanation.add("Mail to the other tenant's domains is outside this tenant too: the coexistence cases pass the relay.");
        exceptionLines(explanation);
        return new Block("4. Rule: " + group.configName() + " mail to external recipients through the relay", explanation,
            List.of("New-TransportRule -Name " + quote(outboundRuleName()) + " -FromMemberOf " + quote(groupName)
                + " -SentToScope NotInOrganization -RouteMessageOutboundConnector " + quote(OUTBOUND_CONNECTOR)
                + exceptionParameters() + " -Enabled $false"));
    }

    private Block replyRule() {
        String dayOne = config.group(Group.DAY_ONE);
        String dayTwo = config.group(Group.DAY_TWO);
        List<String> explanation = new ArrayList<>();
        explanation.add("Routes mail addressed to eligible people (DayOne '" + dayOne + "', DayTwo '" + dayTwo + "') through the relay");
        explanation.add("when it leaves this tenant, i.e. when their mailbox is in the " + tenant.other().configName() + " tenant (here a"
            + " mail user forwarding there):");
        explanation.add("the relay rewrites the recipient to the address of the tenant where the mailbox is, so that replies,");
        explanation.add("bounces and receipts reach it with the right address. Copies for mailboxes in this tenant are");
        explanation.add("delivered here as before: Exchange uses outbound connectors only for mail leaving the organisation.");
        exceptionLines(explanation);
        return new Block("5. Rule: mail for eligible people whose mailbox is in the " + tenant.other().configName() + " tenant", explanation,
            List.of("New-TransportRule -Name " + quote(REPLY_RULE) + " -SentToMemberOf " + list(List.of(dayOne, dayTwo))
                + " -RouteMessageOutboundConnector " + quote(OUTBOUND_CONNECTOR) + exceptionParameters() + " -Enabled $false"));
    }

    private Block enableRules() {
        return new Block("6. Turn the rules on", List.of(
            "After the connectors validate (Exchange admin center, Mail flow > Connectors > Validate) and a test mail",
            "of a " + outboundGroup().configName() + " member reaches an outside mailbox rewritten and signed."),
            List.of("Enable-TransportRule -Identity " + quote(outboundRuleName()),
                "Enable-TransportRule -Identity " + quote(REPLY_RULE)));
    }

    private Block trustArcSeals(Domain sealingDomain) {
        List<String> explanation = new ArrayList<>(List.of(
            "Makes this tenant trust the relay's ARC seals (" + sealingDomain.name() + "): a reply whose author's DKIM",
            "signature or SPF the rewrite broke is judged on the results the relay recorded before it changed the mail",
            "(ARC-Authentication-Results), instead of failing the author's DMARC. Publish the sealing key first",
            "(t2t-rewrite arc-records). Keeps the sealers this tenant already trusts."));
        List<String> commands = new ArrayList<>();
        for (String line : ExchangeArcConfig.trustSealer(tenant.configName() + " (" + join(config.domains(tenant)) + ")", sealingDomain)
                .split("\n")) {
            (line.startsWith("#") ? explanation : commands).add(line.startsWith("# ") ? line.substring(2) : line);
        }
        return new Block("7. Trust the relay's ARC seals", explanation, commands);
    }

    private void exceptionLines(List<String> explanation) {
        if (exceptions.isEmpty()) {
            explanation.add("No exceptions configured.");
            return;
        }
        explanation.add("Never through the relay (exceptions):"
            + (exceptions.senders.isEmpty() ? "" : " from " + String.join(", ", exceptions.senders) + ";")
            + (exceptions.recipients.isEmpty() ? "" : " to " + String.join(", ", exceptions.recipients) + ";")
            + (exceptions.domains.isEmpty() ? "" : " from or to the domains " + String.join(", ", exceptions.domains) + "."));
    }

    private String exceptionParameters() {
        StringBuilder parameters = new StringBuilder();
        if (!exceptions.senders.isEmpty()) {
            parameters.append(" -ExceptIfFromAddressMatchesPatterns ").append(patterns(exceptions.senders));
        }
        if (!exceptions.recipients.isEmpty()) {
            parameters.append(" -ExceptIfRecipientAddressMatchesPatterns ").append(patterns(exceptions.recipients));
        }
        if (!exceptions.domains.isEmpty()) {
            parameters.append(" -ExceptIfSenderDomainIs ").append(list(exceptions.domains))
                .append(" -ExceptIfRecipientDomainIs ").append(list(exceptions.domains));
        }
        return parameters.toString();
    }

    private static String join(List<Domain> domains) {
        return domains.stream().map(Domain::name).collect(Collectors.joining(", "));
    }

    /** A PowerShell single-quoted string: nothing inside is expanded; a quote is doubled. */
    static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Each address as a .NET regular expression matching exactly it. */
    private static String patterns(List<String> entries) {
        return list(entries.stream().map(ExchangeScript::pattern).collect(Collectors.toList()));
    }

    /**
     * The anchored Exchange pattern for one exception entry: {@code user@domain} exactly,
     * {@code prefix*@domain} as {@code ^prefix\S*@domain$}, {@code @domain} (or {@code *@domain})
     * as every local part, {@code user@*} as any domain. Exchange's patterns know {@code \S}, not
     * character classes.
     */
    static String pattern(String entry) {
        String text = entry.startsWith("@") ? "*" + entry : entry;
        int at = text.lastIndexOf('@');
        String local = text.substring(0, at);
        String domain = text.substring(at + 1);
        String localPattern = local.endsWith("*") ? escape(local.substring(0, local.length() - 1)) + "\\S*" : escape(local);
        String domainPattern = domain.equals("*") ? "\\S+" : escape(domain);
        return "^" + localPattern + "@" + domainPattern + "$";
    }

    private static String escape(String literal) {
        return literal.replaceAll("([\\\\.+*?()\\[\\]{}|^$])", "\\\\$1");
    }

    private static String list(List<String> values) {
        return values.stream().map(ExchangeScript::quote).collect(Collectors.joining(","));
    }
}
