package org.t2trewrite.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Lookup;
import org.t2trewrite.core.header.AddressHeaderParser;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.MessageSplit;
import org.t2trewrite.core.plan.RecipientPlan;
import org.t2trewrite.core.plan.RelayPlan;
import org.t2trewrite.directory.file.DirectoryFile;
import org.t2trewrite.directory.file.InvalidDirectoryFileException;
import org.t2trewrite.dkim.DkimKey;
import org.t2trewrite.dkim.KeyFolder;
import org.t2trewrite.dkim.KeyRing;
import org.t2trewrite.graph.SnapshotFile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code t2t-rewrite explain}: what the relay would do with a mail and why, per recipient —
 * exempt or not, calendar copy kept, sender rewritten to what, recipient redirected where,
 * signed for which domain with which key, routed where — computed by the core's
 * {@link RelayPlan}, the same functions the relay's matchers and mailets call, in the order of
 * the shipped {@code mailetcontainer.xml}, on the same directory: a directory file, or the Graph
 * directory's persisted snapshot ({@code graph.snapshotFile}). Sends nothing, changes nothing.
 *
 * <pre>
 * t2t-rewrite explain --directory james-conf/directory.json --from alice@source.example --to ext@external.example
 * t2t-rewrite explain --graph-snapshot /var/lib/t2t/graph-snapshot.json --eml reply.eml --json
 * </pre>
 *
 * <p>The mail: {@code --from} with {@code --to} (and {@code --cc}), or {@code --eml FILE} (its
 * {@code From}, {@code To}, {@code Cc}, {@code Sender}, {@code Reply-To} and invitation parts
 * as written). The envelope is {@code --mail-from} ({@code <>} for the null sender) and
 * {@code --rcpt}, else the first {@code From} address and the {@code To} and {@code Cc}
 * addresses.
 *
 * <p>Signing: with {@code --dkim-keys DIR} (the relay's key folder, read by the relay's own
 * loader) it names the keys that sign, or says that none would, in which case the relay keeps the
 * mail in {@code error}. Routes: {@code --route-source/--route-target/--route-other} as
 * {@code ./relay} takes them, or {@code --gateway}, or {@code --capture}; without them, the
 * processor that would deliver.
 *
 * <p>Exit codes: 0 explained; 2 bad input (one line on stderr; the stack trace with
 * {@code --verbose}).
 *
 * <p>Limitations: models the pipeline as shipped, not an edited {@code mailetcontainer.xml};
 * assumes the mail comes from an authorised peer; does not show the changes inside invitations
 * and reports (they follow the header's decisions); the Graph snapshot is as fresh as its last
 * write, and its exceptions are those configured when it was written.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain what the relay would do with a mail, per recipient, and why. Sends nothing.")
public final class ExplainCommand implements Callable<Integer> {
    private static final Pattern HOSTS = Pattern.compile("[^:,\\s]+(:[0-9]+)?(,[^:,\\s]+(:[0-9]+)?)*");
    private static final String NULL_SENDER = "<>";
    private static final String KEY_FOLDER_LOG_LEVEL = "org.slf4j.simpleLogger.log." + KeyFolder.class.getName();

    @Spec
    private CommandSpec spec;

    @Option(names = "--from", paramLabel = "ADDR", description = "The author (From, and the envelope sender unless --mail-from)")
    private String from;

    @Option(names = "--to", paramLabel = "ADDR", split = ",", description = "To addresses (repeat or comma-separate)")
    private List<String> to = new ArrayList<>();

    @Option(names = "--cc", paramLabel = "ADDR", split = ",", description = "Cc addresses")
    private List<String> cc = new ArrayList<>();

    @Option(names = "--eml", paramLabel = "FILE", description = "Instead of --from/--to/--cc: a message file (RFC 5322)")
    private Path eml;

    @Option(names = "--mail-from", paramLabel = "ADDR", description = "Envelope sender (<> for the null sender of bounces and receipts)")
    private String mailFrom;

    @Option(names = "--rcpt", paramLabel = "ADDR", split = ",", description = "Envelope recipients (default: the To and Cc addresses)")
    private List<String> rcpt = new ArrayList<>();

    @Option(names = "--directory", paramLabel = "FILE", description = "The directory file the relay uses")
    private Path directory;

    @Option(names = "--graph-snapshot", paramLabel = "FILE", description = "Instead of --directory: the Graph directory's graph.snapshotFile")
    private Path graphSnapshot;

    @Option(names = "--dkim-keys", paramLabel = "DIR", description = "The relay's DKIM key folder, to name the signing keys")
    private Path dkimKeys;

    @Option(names = "--route-source", paramLabel = "HOST[:PORT][,...]", description = "As ./relay: the source tenant's inbound endpoint")
    private String routeSource;

    @Option(names = "--route-target", paramLabel = "HOST[:PORT][,...]", description = "As ./relay: the target tenant's inbound endpoint")
    private String routeTarget;

    @Option(names = "--route-other", paramLabel = "mx|HOST[:PORT][,...]", description = "As ./relay: everyone else (default mx)")
    private String routeOther;

    @Option(names = "--gateway", paramLabel = "HOST:PORT", description = "As ./relay: everything to this one server")
    private String gateway;

    @Option(names = "--capture", paramLabel = "DIR", description = "As ./relay: everything into this folder")
    private Path capture;

    @Option(names = "--json", description = "Print JSON for machines instead of the table")
    private boolean json;

    @Option(names = "--verbose", description = "Show stack traces of errors")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        Explanation explanation;
        try {
            explanation = explain();
        } catch (IllegalArgumentException | IOException | InvalidDirectoryFileException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("t2t-rewrite explain: " + e.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return T2tRewriteCli.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? explanation.json() : explanation.table());
        out.flush();
        return 0;
    }

    private Explanation explain() throws IOException, InvalidDirectoryFileException {
        Routes routes = routes();
        DirectorySnapshot snapshot = snapshot();
        Optional<KeyRing> keys = Optional.ofNullable(dkimKeys).map(ExplainCommand::keys);
        byte[] message = message();
        MessageSplit split = HeaderSection.split(message);
        HeaderSection header = split.header(message);
        byte[] body = Arrays.copyOfRange(message, Math.min(split.bodyOffset(), message.length), message.length);
        Optional<Address> sender = mailFrom != null
            ? (NULL_SENDER.equals(mailFrom.trim()) ? Optional.empty() : Optional.of(address("--mail-from", mailFrom)))
            : addresses(header, "From").stream().findFirst();
        List<Address> recipients = rcpt.isEmpty() ? headerRecipients(header) : addressList("--rcpt", rcpt);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipient: give --to, --cc or --rcpt (or an --eml with To or Cc)");
        }
        RelayPlan plan = RelayPlan.of(snapshot, header, body, sender, recipients, false);
        return new Explanation(snapshot, plan, sender, keys, routes);
    }

    private DirectorySnapshot snapshot() throws IOException, InvalidDirectoryFileException {
        if ((directory == null) == (graphSnapshot == null)) {
            throw new IllegalArgumentException("give exactly one of --directory and --graph-snapshot");
        }
        if (directory != null) {
            return DirectoryFile.parse(directory, Instant.now());
        }
        if (!Files.isRegularFile(graphSnapshot)) {
            throw new IllegalArgumentException("--graph-snapshot: no such file: " + graphSnapshot);
        }
        return new SnapshotFile(graphSnapshot).read()
            .orElseThrow(() -> new IllegalArgumentException("--graph-snapshot: no snapshot in " + graphSnapshot));
    }

    private static KeyRing keys(Path folder) {
        // The CLI logs through slf4j-simple to stderr, where this command writes one line per problem only:
        // the loader's INFO "keys loaded" line is not one (its WARN about a short RSA key still shows).
        if (System.getProperty(KEY_FOLDER_LOG_LEVEL) == null) {
            System.setProperty(KEY_FOLDER_LOG_LEVEL, "warn");
        }
        try {
            // The relay's loader: the same files, names and checks DkimSignRewritten signs with.
            return KeyFolder.open(folder, Clock.systemUTC(), Duration.ofDays(1)).current();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dkim-keys: " + e.getMessage(), e);
        }
    }

    private byte[] message() throws IOException {
        if (eml != null) {
            if (from != null || !to.isEmpty() || !cc.isEmpty()) {
                throw new IllegalArgumentException("--eml excludes --from, --to and --cc");
            }
            if (!Files.isRegularFile(eml)) {
                throw new IllegalArgumentException("--eml: no such file: " + eml);
            }
            return Files.readAllBytes(eml);
        }
        if (from == null) {
            throw new IllegalArgumentException("give --from with --to/--cc, or --eml FILE");
        }
        StringBuilder text = new StringBuilder("From: ").append(address("--from", from)).append("\r\n");
        if (!to.isEmpty()) {
            text.append("To: ").append(join(addressList("--to", to))).append("\r\n");
        }
        if (!cc.isEmpty()) {
            text.append("Cc: ").append(join(addressList("--cc", cc))).append("\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private Routes routes() {
        boolean tenantRoutes = routeSource != null || routeTarget != null || routeOther != null;
        int modes = (tenantRoutes ? 1 : 0) + (gateway != null ? 1 : 0) + (capture != null ? 1 : 0);
        if (modes > 1) {
            throw new IllegalArgumentException("--route-*, --gateway and --capture exclude each other");
        }
        if (tenantRoutes) {
            if (routeSource == null || routeTarget == null) {
                throw new IllegalArgumentException("--route-source and --route-target go together");
            }
            hosts("--route-source", routeSource);
            hosts("--route-target", routeTarget);
            String other = routeOther == null ? "mx" : routeOther;
            if (!"mx".equals(other)) {
                hosts("--route-other", other);
            }
            return Routes.tenants(routeSource, routeTarget, other);
        }
        if (gateway != null) {
            hosts("--gateway", gateway);
            return Routes.one("t2t-gateway", gateway);
        }
        if (capture != null) {
            return Routes.one("t2t-capture", "folder " + capture);
        }
        return Routes.unknown();
    }

    private static void hosts(String option, String value) {
        if (!HOSTS.matcher(value).matches()) {
            throw new IllegalArgumentException(option + ": expected HOST[:PORT][,...], got '" + value + "'");
        }
    }

    private static List<Address> headerRecipients(HeaderSection header) {
        Set<Address> recipients = new LinkedHashSet<>();
        recipients.addAll(addresses(header, "To"));
        recipients.addAll(addresses(header, "Cc"));
        return new ArrayList<>(recipients);
    }

    private static List<Address> addresses(HeaderSection header, String name) {
        List<Address> addresses = new ArrayList<>();
        for (HeaderField field : header.fields(name)) {
            addresses.addAll(AddressHeaderParser.parse(field).addresses());
        }
        return addresses;
    }

    private static List<Address> addressList(String option, List<String> values) {
        List<Address> addresses = new ArrayList<>();
        for (String value : values) {
            if (!value.isBlank()) {
                addresses.add(address(option, value));
            }
        }
        return addresses;
    }

    private static Address address(String option, String value) {
        try {
            return Address.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    private static String join(List<Address> addresses) {
        return addresses.stream().map(Address::toString).collect(Collectors.joining(", "));
    }

    /** Where each tenant's copies go, as ./relay's options configure the pipeline's delivery. */
    private static final class Routes {
        private final Optional<String> single;
        private final Optional<String> singleTo;
        private final String source;
        private final String target;
        private final String other;

        private Routes(Optional<String> single, Optional<String> singleTo, String source, String target, String other) {
            this.single = single;
            this.singleTo = singleTo;
            this.source = source;
            this.target = target;
            this.other = other;
        }

        static Routes tenants(String source, String target, String other) {
            return new Routes(Optional.empty(), Optional.empty(), source, target, other);
        }

        static Routes one(String processor, String to) {
            return new Routes(Optional.of(processor), Optional.of(to), null, null, null);
        }

        static Routes unknown() {
            return new Routes(Optional.empty(), Optional.empty(), null, null, null);
        }

        String processor(Optional<Tenant> tenant) {
            if (single.isPresent()) {
                return single.get();
            }
            if (tenant.isPresent()) {
                return tenant.get() == Tenant.SOURCE ? "t2t-to-source-tenant" : "t2t-to-target-tenant";
            }
            return other == null ? "t2t.route.other" : ("mx".equals(other) ? "t2t-to-mx" : "t2t-to-smarthost");
        }

        Optional<String> host(Optional<Tenant> tenant, Address delivered) {
            if (single.isPresent()) {
                return singleTo;
            }
            if (source == null) {
                return Optional.empty();
            }
            if (tenant.isPresent()) {
                return Optional.of(tenant.get() == Tenant.SOURCE ? source : target);
            }
            return Optional.of("mx".equals(other) ? "MX of " + delivered.domain() : other);
        }
    }

    /** The plan, with keys and routes, as a table or as JSON. */
    private static final class Explanation {
        private final DirectorySnapshot snapshot;
        private final RelayPlan plan;
        private final Optional<Address> sender;
        private final Optional<KeyRing> keys;
        private final Routes routes;

        Explanation(DirectorySnapshot snapshot, RelayPlan plan, Optional<Address> sender, Optional<KeyRing> keys, Routes routes) {
            this.snapshot = snapshot;
            this.plan = plan;
            this.sender = sender;
            this.keys = keys;
            this.routes = routes;
        }

        String identity() {
            Optional<Address> identity = plan.identity();
            if (identity.isEmpty()) {
                return "no sender identity (no From, null envelope sender)";
            }
            Lookup lookup = snapshot.lookup(identity.get());
            if (lookup.person().isEmpty()) {
                return identity.get() + ": nobody in the directory";
            }
            Person person = lookup.person().get();
            Eligibility eligibility = person.eligibility();
            String group = eligibility == Eligibility.DAY_ONE ? "DayOne" : eligibility == Eligibility.DAY_TWO ? "DayTwo"
                : eligibility == Eligibility.CONFLICT ? "in both groups (a conflict: never rewritten)" : "in no group";
            return identity.get() + ": " + person.source() + " / " + person.target() + ", " + group + ", mailbox in "
                + person.mailbox().configName();
        }

        String decision(RecipientPlan recipient) {
            List<String> steps = new ArrayList<>();
            if (recipient.exemption().isExempt()) {
                steps.add(recipient.exemption() + ": left as it came");
            }
            if (recipient.calendarCopy()) {
                steps.add("calendar copy: DayTwo sender to a mailbox in the source tenant, keeps the sender's real address");
            }
            recipient.senderRewrite().ifPresent(group -> steps.add(recipient.replacements().isEmpty()
                ? group.configName() + " sender, already presented" : group.configName() + " sender rewritten"));
            recipient.redirectedTo().ifPresent(to -> steps.add("redirected to " + to + " (mailbox in "
                + snapshot.lookup(to).person().map(Person::mailbox).map(Tenant::configName).orElse("?") + ")"));
            if (steps.isEmpty()) {
                steps.add("unchanged: nothing eligible to rewrite");
            }
            return String.join("; ", steps);
        }

        String signing(RecipientPlan recipient) {
            if (recipient.signingDomain().isEmpty()) {
                return "not signed";
            }
            Domain domain = recipient.signingDomain().get();
            if (keys.isEmpty()) {
                return "for " + domain + " (give --dkim-keys to name the key)";
            }
            List<DkimKey> found = keys.get().keysFor(domain);
            if (found.isEmpty()) {
                return "for " + domain + ": no key, would be kept in error";
            }
            return "for " + domain + " with " + found.stream().map(DkimKey::toString).collect(Collectors.joining(", "));
        }

        String route(RecipientPlan recipient) {
            String processor = routes.processor(recipient.routeTenant());
            return routes.host(recipient.routeTenant(), recipient.delivered()).map(host -> host + " via " + processor)
                .orElse(processor);
        }

        String table() {
            StringBuilder text = new StringBuilder();
            text.append("sender ").append(identity()).append('\n');
            text.append("envelope sender ").append(sender.map(Address::toString).orElse(NULL_SENDER));
            if (!snapshot.exemptions().isEmpty()) {
                text.append("; ").append(snapshot.exemptions());
            }
            text.append("\n\n");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"RECIPIENT", "DELIVERED TO", "FROM", "DECISION", "DKIM", "ROUTE"});
            for (RecipientPlan recipient : plan.recipients()) {
                rows.add(new String[] {recipient.recipient().toString(), recipient.delivered().toString(),
                    recipient.from().map(Address::toString).orElse("-"), decision(recipient), signing(recipient), route(recipient)});
            }
            int[] widths = new int[6];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(row[i]);
                    if (i < row.length - 1) {
                        line.append(" ".repeat(widths[i] - row[i].length() + 2));
                    }
                }
                text.append(line.toString().stripTrailing()).append('\n');
            }
            return text.toString();
        }

        String json() throws IOException {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = mapper.createObjectNode();
            root.put("identity", plan.identity().map(Address::toString).orElse(null));
            root.put("sender", identity());
            root.put("envelopeSender", sender.map(Address::toString).orElse(NULL_SENDER));
            root.put("directoryAsOf", snapshot.asOf().toString());
            ArrayNode recipients = root.putArray("recipients");
            for (RecipientPlan recipient : plan.recipients()) {
                ObjectNode node = recipients.addObject();
                node.put("recipient", recipient.recipient().toString());
                node.put("deliveredTo", recipient.delivered().toString());
                node.put("envelopeSender", recipient.envelopeSender().map(Address::toString).orElse(NULL_SENDER));
                node.put("from", recipient.from().map(Address::toString).orElse(null));
                ArrayNode toList = node.putArray("to");
                addresses(recipient.header(), "To").forEach(address -> toList.add(address.toString()));
                ArrayNode ccList = node.putArray("cc");
                addresses(recipient.header(), "Cc").forEach(address -> ccList.add(address.toString()));
                if (recipient.exemption().isExempt()) {
                    ObjectNode exempt = node.putObject("exempt");
                    exempt.put("reason", recipient.exemption().reason().name().toLowerCase(java.util.Locale.ROOT));
                    exempt.put("address", recipient.exemption().address().orElseThrow().toString());
                    exempt.put("entry", recipient.exemption().entry().orElseThrow());
                } else {
                    node.putNull("exempt");
                }
                node.put("calendarCopy", recipient.calendarCopy());
                node.put("senderRewrite", recipient.senderRewrite().map(group -> group.configName()).orElse(null));
                node.put("redirectedTo", recipient.redirectedTo().map(Address::toString).orElse(null));
                ArrayNode replacements = node.putArray("replacements");
                recipient.replacements().forEach(r -> replacements.add(r.fieldName() + ":" + r.before() + "->" + r.after()));
                if (recipient.signingDomain().isPresent()) {
                    ObjectNode signing = node.putObject("signing");
                    signing.put("domain", recipient.signingDomain().get().name());
                    if (keys.isPresent()) {
                        ArrayNode keyList = signing.putArray("keys");
                        for (DkimKey key : keys.get().keysFor(recipient.signingDomain().get())) {
                            ObjectNode keyNode = keyList.addObject();
                            keyNode.put("selector", key.name().selector().value());
                            keyNode.put("domain", key.name().domain().name());
                            keyNode.put("algorithm", key.algorithm().tag());
                        }
                        signing.put("missingKey", keyList.isEmpty());
                    }
                } else {
                    node.putNull("signing");
                }
                ObjectNode route = node.putObject("route");
                route.put("processor", routes.processor(recipient.routeTenant()));
                route.put("tenant", recipient.routeTenant().map(Tenant::configName).orElse(null));
                route.put("host", routes.host(recipient.routeTenant(), recipient.delivered()).orElse(null));
                node.put("decision", decision(recipient));
            }
            return mapper.writeValueAsString(root) + "\n";
        }
    }
}
