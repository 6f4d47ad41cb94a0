package org.t2trewrite.graph;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.apache.james.util.DurationParser;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.ExemptionPattern;
import org.t2trewrite.core.directory.Exemptions;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

/**
 * The validated configuration of the Microsoft Graph directory, read from {@code graph.*} keys.
 *
 * <pre>
 * graph.source.tenantId = 11111111-1111-1111-1111-111111111111
 * graph.source.clientId = 22222222-2222-2222-2222-222222222222
 * graph.source.clientSecretFile = /run/secrets/graph-source-secret
 * # or: graph.source.clientSecretEnv = GRAPH_SOURCE_SECRET
 * # or: graph.source.certificateFile = /etc/t2t/source.crt  and  graph.source.privateKeyFile = /etc/t2t/source.key
 * # optional; when absent the tenant's verified domains are read from Graph (/domains)
 * graph.source.domains = source.example, source.onmicrosoft.com
 * graph.target.tenantId = ...            (same keys for the target tenant)
 * graph.groups.dayOne = BT-IntegrationPro-DayOne   (display name or object id)
 * graph.groups.dayTwo = BT-IntegrationPro-DayTwo
 * graph.match = localPart                (or employeeId, extensionAttribute1..15; see MatchRule)
 * graph.syncInterval = 5s
 * graph.snapshotFile = /var/lib/t2t/graph-snapshot.json
 * graph.staleAfter = 1m
 * graph.requestTimeout = 30s
 * graph.authorityUrl = https://login.microsoftonline.com
 * graph.baseUrl = https://graph.microsoft.com/v1.0
 * # never rewritten (see Exemptions, ExemptionPattern): comma-separated, each optional
 * graph.exceptions.senders = noreply*@source.example, alerts@*
 * graph.exceptions.recipients = approvals@target.example
 * graph.exceptions.domains = apps.example
 * </pre>
 *
 * <p>The {@code graph.exceptions.*} lists are the directory file's {@code "exceptions"} for the Graph
 * directory: every snapshot it serves (synced or read back from {@code graph.snapshotFile}) carries them, and
 * the persisted snapshot records them for {@code t2t-rewrite explain}. A change takes effect at restart.
 *
 * <p>Every value is checked here, once; an unknown {@code graph.*} key (a typo) or a bad value is rejected
 * with a message naming the key. Secrets are read from the named file or environment variable now and are
 * never part of a message or of {@link #toString()}.
 *
 * <p>Does not contact Graph: a wrong tenant id or secret shows at the first sync (or in {@code graph-check}).
 */
public final class GraphDirectoryConfig {
    public static final String PREFIX = "graph.";
    public static final String TENANT_ID = "tenantId";
    public static final String CLIENT_ID = "clientId";
    public static final String CLIENT_SECRET_FILE = "clientSecretFile";
    public static final String CLIENT_SECRET_ENV = "clientSecretEnv";
    public static final String CERTIFICATE_FILE = "certificateFile";
    public static final String PRIVATE_KEY_FILE = "privateKeyFile";
    public static final String DOMAINS = "domains";
    public static final String GROUP_DAY_ONE = "graph.groups.dayOne";
    public static final String GROUP_DAY_TWO = "graph.groups.dayTwo";
    public static final String MATCH = "graph.match";
    public static final String SYNC_INTERVAL = "graph.syncInterval";
    public static final String SNAPSHOT_FILE = "graph.snapshotFile";
    public static final String STALE_AFTER = "graph.staleAfter";
    public static final String REQUEST_TIMEOUT = "graph.requestTimeout";
    public static final String AUTHORITY_URL = "graph.authorityUrl";
    public static final String BASE_URL = "graph.baseUrl";
    public static final String EXCEPTIONS_SENDERS = "graph.exceptions." + Exemptions.SENDERS;
    public static final String EXCEPTIONS_RECIPIENTS = "graph.exceptions." + Exemptions.RECIPIENTS;
    public static final String EXCEPTIONS_DOMAINS = "graph.exceptions." + Exemptions.DOMAINS;

    public static final String DEFAULT_DAY_ONE = "BT-IntegrationPro-DayOne";
    public static final String DEFAULT_DAY_TWO = "BT-IntegrationPro-DayTwo";
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(1);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final String DEFAULT_AUTHORITY_URL = "https://login.microsoftonline.com";
    public static final String DEFAULT_BASE_URL = "https://graph.microsoft.com/v1.0";

    private static final List<String> TENANT_KEYS = ImmutableList.of(TENANT_ID, CLIENT_ID, CLIENT_SECRET_FILE,
        CLIENT_SECRET_ENV, CERTIFICATE_FILE, PRIVATE_KEY_FILE, DOMAINS);
    /** Every key this class reads; anything else under {@code graph.} is a typo. */
    public static final Set<String> KNOWN_KEYS = knownKeys();
    private static final Pattern TENANT_ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}");
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_INTERVAL = Duration.ofMinutes(10);

    private final Map<Tenant, TenantConfig> tenants;
    private final Map<Group, String> groups;
    private final MatchRule match;
    private final Duration syncInterval;
    private final Optional<Path> snapshotFile;
    private final Duration staleAfter;
    private final Duration requestTimeout;
    private final URI authorityUrl;
    private final URI baseUrl;
    private final Exemptions exemptions;

    private GraphDirectoryConfig(Map<Tenant, TenantConfig> tenants, Map<Group, String> groups, MatchRule match,
                                 Duration syncInterval, Optional<Path> snapshotFile, Duration staleAfter,
                                 Duration requestTimeout, URI authorityUrl, URI baseUrl, Exemptions exemptions) {
        this.exemptions = exemptions;
        this.tenants = tenants;
        this.groups = groups;
        this.match = match;
        this.syncInterval = syncInterval;
        this.snapshotFile = snapshotFile;
        this.staleAfter = staleAfter;
        this.requestTimeout = requestTimeout;
        this.authorityUrl = authorityUrl;
        this.baseUrl = baseUrl;
    }

    private static Set<String> knownKeys() {
        ImmutableSet.Builder<String> keys = ImmutableSet.builder();
        for (Tenant tenant : Tenant.values()) {
            for (String key : TENANT_KEYS) {
                keys.add(tenantKey(tenant, key));
            }
        }
        return keys.add(GROUP_DAY_ONE, GROUP_DAY_TWO, MATCH, SYNC_INTERVAL, SNAPSHOT_FILE, STALE_AFTER,
            REQUEST_TIMEOUT, AUTHORITY_URL, BASE_URL, EXCEPTIONS_SENDERS, EXCEPTIONS_RECIPIENTS, EXCEPTIONS_DOMAINS).build();
    }

    /** {@code graph.source.tenantId} and the like. */
    public static String tenantKey(Tenant tenant, String key) {
        return PREFIX + tenant.configName() + "." + key;
    }

    /**
     * Reads the configuration from a full set of properties: only {@code graph.*} keys are looked at, and an
     * unknown one is rejected. Environment variables come from the process.
     *
     * @throws IllegalArgumentException naming the key and value that are wrong
     */
    public static GraphDirectoryConfig from(Map<String, String> properties) {
        return from(properties, name -> Optional.ofNullable(System.getenv(name)));
    }

    /** As {@link #from(Map)}, with environment variables looked up in {@code environment}. */
    public static GraphDirectoryConfig from(Map<String, String> properties,
                                            Function<String, Optional<String>> environment) {
        for (String key : properties.keySet()) {
            if (key.startsWith(PREFIX) && !KNOWN_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key " + key + " (known: " + String.join(", ", KNOWN_KEYS) + ")");
            }
        }
        return from(key -> Optional.ofNullable(properties.get(key)), environment);
    }

    /**
     * Reads the configuration through a key lookup. A lookup cannot list its keys, so callers that can
     * should also pass their key names to {@link #checkKeyNames(Iterable)} (or use {@link #from(Map)}).
     *
     * @throws IllegalArgumentException naming the key and value that are wrong
     */
    public static GraphDirectoryConfig from(Function<String, Optional<String>> keys) {
        return from(keys, name -> Optional.ofNullable(System.getenv(name)));
    }

    /** As {@link #from(Function)}, with environment variables looked up in {@code environment}. */
    public static GraphDirectoryConfig from(Function<String, Optional<String>> keys,
                                            Function<String, Optional<String>> environment) {
        Function<String, Optional<String>> values = key -> keys.apply(key).map(String::trim).filter(v -> !v.isEmpty());
        Map<Tenant, TenantConfig> tenants = new EnumMap<>(Tenant.class);
        for (Tenant tenant : Tenant.values()) {
            tenants.put(tenant, readTenant(tenant, values, environment));
        }
        Optional<Set<Domain>> sourceDomains = tenants.get(Tenant.SOURCE).domains();
        Optional<Set<Domain>> targetDomains = tenants.get(Tenant.TARGET).domains();
        if (sourceDomains.isPresent() && targetDomains.isPresent()) {
            Set<Domain> shared = new LinkedHashSet<>(sourceDomains.get());
            shared.retainAll(targetDomains.get());
            if (!shared.isEmpty()) {
                throw new IllegalArgumentException(tenantKey(Tenant.TARGET, DOMAINS) + ": " + shared
                    + " also listed in " + tenantKey(Tenant.SOURCE, DOMAINS));
            }
        }
        Map<Group, String> groups = new EnumMap<>(Group.class);
        groups.put(Group.DAY_ONE, values.apply(GROUP_DAY_ONE).orElse(DEFAULT_DAY_ONE));
        groups.put(Group.DAY_TWO, values.apply(GROUP_DAY_TWO).orElse(DEFAULT_DAY_TWO));
        if (groups.get(Group.DAY_ONE).equalsIgnoreCase(groups.get(Group.DAY_TWO))) {
            throw new IllegalArgumentException(GROUP_DAY_TWO + ": '" + groups.get(Group.DAY_TWO)
                + "' is also the DayOne group (" + GROUP_DAY_ONE + ")");
        }
        MatchRule match = values.apply(MATCH).map(value -> parse(MATCH, value, MatchRule::parse)).orElse(MatchRule.LOCAL_PART);
        Duration interval = duration(values, SYNC_INTERVAL, DEFAULT_SYNC_INTERVAL);
        Duration staleAfter = duration(values, STALE_AFTER, DEFAULT_STALE_AFTER);
        Duration timeout = duration(values, REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
        Optional<Path> snapshotFile = values.apply(SNAPSHOT_FILE).map(value -> parse(SNAPSHOT_FILE, value, Paths::get));
        snapshotFile.ifPresent(file -> {
            Path parent = file.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new IllegalArgumentException(SNAPSHOT_FILE + ": directory of '" + file + "' does not exist");
            }
        });
        URI authority = url(values, AUTHORITY_URL, DEFAULT_AUTHORITY_URL);
        URI base = url(values, BASE_URL, DEFAULT_BASE_URL);
        Exemptions exemptions = Exemptions.of(patterns(values, EXCEPTIONS_SENDERS), patterns(values, EXCEPTIONS_RECIPIENTS),
            exemptDomains(values));
        return new GraphDirectoryConfig(tenants, groups, match, interval, snapshotFile, staleAfter, timeout, authority, base,
            exemptions);
    }

    /**
     * Rejects an unknown {@code graph.*} key among {@code names}: for callers of {@link #from(Function)} that
     * can list their keys.
     *
     * @throws IllegalArgumentException naming the first unknown key
     */
    public static void checkKeyNames(Iterable<String> names) {
        for (String key : names) {
            if (key.startsWith(PREFIX) && !KNOWN_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key " + key + " (known: " + String.join(", ", KNOWN_KEYS) + ")");
            }
        }
    }

    private static TenantConfig readTenant(Tenant tenant, Function<String, Optional<String>> values,
                                           Function<String, Optional<String>> environment) {
        String tenantIdKey = tenantKey(tenant, TENANT_ID);
        String tenantId = required(values, tenantIdKey);
        if (!TENANT_ID_PATTERN.matcher(tenantId).matches()) {
            throw new IllegalArgumentException(tenantIdKey + ": not a tenant id or domain: '" + tenantId + "'");
        }
        String clientId = required(values, tenantKey(tenant, CLIENT_ID));
        Optional<String> secretFile = values.apply(tenantKey(tenant, CLIENT_SECRET_FILE));
        Optional<String> secretEnv = values.apply(tenantKey(tenant, CLIENT_SECRET_ENV));
        Optional<String> certificateFile = values.apply(tenantKey(tenant, CERTIFICATE_FILE));
        Optional<String> keyFile = values.apply(tenantKey(tenant, PRIVATE_KEY_FILE));
        int ways = (secretFile.isPresent() ? 1 : 0) + (secretEnv.isPresent() ? 1 : 0)
            + (certificateFile.isPresent() || keyFile.isPresent() ? 1 : 0);
        if (ways != 1) {
            throw new IllegalArgumentException(PREFIX + tenant.configName() + ": set exactly one of "
                + tenantKey(tenant, CLIENT_SECRET_FILE) + ", " + tenantKey(tenant, CLIENT_SECRET_ENV) + ", or "
                + tenantKey(tenant, CERTIFICATE_FILE) + " with " + tenantKey(tenant, PRIVATE_KEY_FILE));
        }
        ClientCredential credential;
        if (secretFile.isPresent()) {
            String key = tenantKey(tenant, CLIENT_SECRET_FILE);
            Path file = parse(key, secretFile.get(), Paths::get);
            try {
                credential = ClientCredential.secret(Files.readString(file, StandardCharsets.UTF_8), key + " (" + file + ")");
            } catch (IOException e) {
                throw new IllegalArgumentException(key + ": cannot read '" + file + "': " + e, e);
            }
        } else if (secretEnv.isPresent()) {
            String key = tenantKey(tenant, CLIENT_SECRET_ENV);
            String variable = secretEnv.get();
            String secret = environment.apply(variable).orElseThrow(() ->
                new IllegalArgumentException(key + ": environment variable '" + variable + "' is not set"));
            credential = ClientCredential.secret(secret, key + " (" + variable + ")");
        } else {
            String certificateKey = tenantKey(tenant, CERTIFICATE_FILE);
            String privateKeyKey = tenantKey(tenant, PRIVATE_KEY_FILE);
            Path certificate = parse(certificateKey, certificateFile.orElseThrow(() ->
                new IllegalArgumentException(certificateKey + " is required with " + privateKeyKey)), Paths::get);
            Path key = parse(privateKeyKey, keyFile.orElseThrow(() ->
                new IllegalArgumentException(privateKeyKey + " is required with " + certificateKey)), Paths::get);
            credential = parse(certificateKey + "/" + privateKeyKey, "", ignored -> ClientCredential.certificate(certificate, key));
        }
        Optional<Set<Domain>> domains = values.apply(tenantKey(tenant, DOMAINS))
            .map(value -> domains(tenantKey(tenant, DOMAINS), value));
        return new TenantConfig(tenant, tenantId, clientId, credential, domains);
    }

    private static Set<Domain> domains(String key, String value) {
        ImmutableSet.Builder<Domain> domains = ImmutableSet.builder();
        for (String name : Splitter.on(',').trimResults().omitEmptyStrings().split(value)) {
            domains.add(parse(key, name, Domain::of));
        }
        Set<Domain> result = domains.build();
        if (result.isEmpty()) {
            throw new IllegalArgumentException(key + ": no domain in '" + value + "'");
        }
        return result;
    }

    private static List<ExemptionPattern> patterns(Function<String, Optional<String>> values, String key) {
        List<ExemptionPattern> patterns = new ArrayList<>();
        for (String entry : Splitter.on(',').trimResults().omitEmptyStrings().split(values.apply(key).orElse(""))) {
            ExemptionPattern pattern = parse(key, entry, ExemptionPattern::parse);
            if (patterns.contains(pattern)) {
                throw new IllegalArgumentException(key + ": '" + entry + "' is listed twice");
            }
            patterns.add(pattern);
        }
        return patterns;
    }

    private static List<Domain> exemptDomains(Function<String, Optional<String>> values) {
        List<Domain> domains = new ArrayList<>();
        for (String name : Splitter.on(',').trimResults().omitEmptyStrings().split(values.apply(EXCEPTIONS_DOMAINS).orElse(""))) {
            Domain domain = parse(EXCEPTIONS_DOMAINS, name, Domain::of);
            if (domains.contains(domain)) {
                throw new IllegalArgumentException(EXCEPTIONS_DOMAINS + ": '" + name + "' is listed twice");
            }
            domains.add(domain);
        }
        return domains;
    }

    private static String required(Function<String, Optional<String>> values, String key) {
        return values.apply(key).orElseThrow(() -> new IllegalArgumentException(key + " is required"));
    }

    private static <T> T parse(String key, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": " + (value.isEmpty() ? "" : "'" + value + "': ") + e.getMessage(), e);
        }
    }

    private static Duration duration(Function<String, Optional<String>> values, String key, Duration fallback) {
        Optional<String> value = values.apply(key);
        if (value.isEmpty()) {
            return fallback;
        }
        Duration duration = parse(key, value.get(), GraphDirectoryConfig::parseDuration);
        if (duration.compareTo(MIN_INTERVAL) < 0 || duration.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException(key + ": '" + value.get() + "' is outside " + MIN_INTERVAL.toMillis()
                + "ms.." + MAX_INTERVAL.toMinutes() + "m");
        }
        return duration;
    }

    /**
     * James's duration grammar ({@link DurationParser}), the one every duration key of
     * {@code t2trewrite.properties} and James's own configuration use: a number and a unit
     * ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 3 days}); a bare number is
     * milliseconds, as in James.
     */
    public static Duration parseDuration(String value) {
        try {
            return DurationParser.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a duration (like 500ms, 5s, 1m or 2h): " + e.getMessage(), e);
        }
    }

    private static URI url(Function<String, Optional<String>> values, String key, String fallback) {
        String value = values.apply(key).orElse(fallback);
        URI uri;
        try {
            uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(key + ": not a URL: '" + value + "'", e);
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
            || uri.getQuery() != null) {
            throw new IllegalArgumentException(key + ": must be an http(s) URL without query, not '" + value + "'");
        }
        if ("http".equals(uri.getScheme()) && !isLoopback(uri.getHost())) {
            // Tokens and secrets would cross the network in clear text: plain http only for a local stub.
            throw new IllegalArgumentException(key + ": http is only allowed for a loopback host, not '" + value + "'");
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        return "localhost".equalsIgnoreCase(host) || host.startsWith("127.") || "[::1]".equals(host) || "::1".equals(host);
    }

    public TenantConfig tenant(Tenant tenant) {
        return tenants.get(tenant);
    }

    /** The configured display name or object id of a group. */
    public String group(Group group) {
        return groups.get(group);
    }

    public MatchRule match() {
        return match;
    }

    public Duration syncInterval() {
        return syncInterval;
    }

    public Optional<Path> snapshotFile() {
        return snapshotFile;
    }

    public Duration staleAfter() {
        return staleAfter;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public URI authorityUrl() {
        return authorityUrl;
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** The {@code graph.exceptions.*} lists; {@link Exemptions#none()} when none is set. */
    public Exemptions exemptions() {
        return exemptions;
    }

    @Override
    public String toString() {
        return "graph directory (source " + tenants.get(Tenant.SOURCE) + ", target " + tenants.get(Tenant.TARGET)
            + ", groups " + groups.values() + ", match " + match + ", every " + syncInterval + ", " + baseUrl + ")";
    }

    /** One tenant's connection: ids, credential, and the accepted domains when configured. */
    public static final class TenantConfig {
        private final Tenant tenant;
        private final String tenantId;
        private final String clientId;
        private final ClientCredential credential;
        private final Optional<Set<Domain>> domains;

        TenantConfig(Tenant tenant, String tenantId, String clientId, ClientCredential credential,
                     Optional<Set<Domain>> domains) {
            this.tenant = Objects.requireNonNull(tenant);
            this.tenantId = Objects.requireNonNull(tenantId);
            this.clientId = Objects.requireNonNull(clientId);
            this.credential = Objects.requireNonNull(credential);
            this.domains = Objects.requireNonNull(domains);
        }

        public Tenant tenant() {
            return tenant;
        }

        public String tenantId() {
            return tenantId;
        }

        public String clientId() {
            return clientId;
        }

        public ClientCredential credential() {
            return credential;
        }

        /** The configured accepted domains; empty means "read the verified domains from Graph". */
        public Optional<Set<Domain>> domains() {
            return domains;
        }

        @Override
        public String toString() {
            return tenantId + " as " + clientId + " with " + credential;
        }
    }
}
