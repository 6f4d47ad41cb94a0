package org.t2trewrite.graph;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback stand-in for Entra ID's token endpoint and the parts of Microsoft Graph v1.0 the directory uses,
 * speaking Graph's JSON: {@code /users/delta} and {@code /groups/delta} with {@code @odata.nextLink} paging,
 * {@code @odata.deltaLink}, {@code @removed} and {@code $deltatoken=latest}; {@code /groups?$filter=displayName eq},
 * {@code /groups/{id}}, {@code /groups/{id}/transitiveMembers} (nested groups resolved), {@code /domains},
 * {@code POST /groups}. Tokens are per tenant, so one server plays both tenants.
 *
 * <p>Faults on demand: any status (429 with {@code Retry-After}, 5xx, 410) and slow answers for requests
 * whose path contains a string; {@link #expireDeltaLinks} makes every issued delta link answer 410.
 *
 * <p>Public, with graph's test-jar, for the server module's end-to-end tests: a real James syncs from it.
 */
public final class FakeGraph implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tenant's directory. Every change bumps the tenant's version; delta links carry a version. */
    public final class Tenant {
        final String tenantId;
        final String clientId;
        public String secret;
        PublicKey certificateKey;
        final Map<String, ObjectNode> users = new TreeMap<>();
        final Map<String, Long> userVersions = new HashMap<>();
        public final Map<String, String> groupNames = new TreeMap<>();
        final Map<String, Set<String>> groupMembers = new HashMap<>();
        final Map<String, Long> groupVersions = new HashMap<>();
        final List<String> domains = new ArrayList<>();
        long version = 1;
        long expiredBefore;
        int tokensIssued;

        Tenant(String tenantId, String clientId) {
            this.tenantId = tenantId;
            this.clientId = clientId;
        }

        public Tenant user(String id, String mail, boolean mailbox, String... proxyAddresses) {
            ObjectNode user = JSON.createObjectNode().put("@odata.type", "#microsoft.graph.user").put("id", id)
                .put("mail", mail).put("userPrincipalName", mail);
            ArrayNode proxies = user.putArray("proxyAddresses");
            proxies.add("SMTP:" + mail);
            for (String proxy : proxyAddresses) {
                proxies.add(proxy);
            }
            ArrayNode plans = user.putArray("provisionedPlans");
            if (mailbox) {
                plans.addObject().put("capabilityStatus", "Enabled").put("provisioningStatus", "Success").put("service", "exchange");
            }
            return put(user);
        }

        public Tenant put(ObjectNode user) {
            synchronized (FakeGraph.this) {
                users.put(user.get("id").asText(), user);
                userVersions.put(user.get("id").asText(), ++version);
            }
            return this;
        }

        public Tenant removeUser(String id) {
            synchronized (FakeGraph.this) {
                users.remove(id);
                userVersions.put(id, ++version);
            }
            return this;
        }

        public Tenant group(String id, String name, String... memberIds) {
            synchronized (FakeGraph.this) {
                groupNames.put(id, name);
                groupMembers.put(id, new LinkedHashSet<>(List.of(memberIds)));
                groupVersions.put(id, ++version);
            }
            return this;
        }

        public Tenant addMember(String groupId, String memberId) {
            synchronized (FakeGraph.this) {
                groupMembers.get(groupId).add(memberId);
                groupVersions.put(groupId, ++version);
            }
            return this;
        }

        public Tenant removeMember(String groupId, String memberId) {
            synchronized (FakeGraph.this) {
                groupMembers.get(groupId).remove(memberId);
                groupVersions.put(groupId, ++version);
            }
            return this;
        }

        public Tenant domains(String... names) {
            synchronized (FakeGraph.this) {
                domains.clear();
                domains.addAll(List.of(names));
            }
            return this;
        }

        /** Takes over another tenant's directory (to swap how a tenant authenticates). */
        void copyFrom(Tenant other) {
            synchronized (FakeGraph.this) {
                users.putAll(other.users);
                userVersions.putAll(other.userVersions);
                groupNames.putAll(other.groupNames);
                other.groupMembers.forEach((id, members) -> groupMembers.put(id, new LinkedHashSet<>(members)));
                groupVersions.putAll(other.groupVersions);
                domains.addAll(other.domains);
                version = other.version;
            }
        }

        public int tokensIssued() {
            synchronized (FakeGraph.this) {
                return tokensIssued;
            }
        }
    }

    private static final class Fault {
        final String pathPart;
        final int status;
        final Map<String, String> headers;
        final Duration delay;
        int remaining;

        Fault(String pathPart, int status, Map<String, String> headers, Duration delay, int times) {
            this.pathPart = pathPart;
            this.status = status;
            this.headers = headers;
            this.delay = delay;
            this.remaining = times;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Tenant> tenants = new LinkedHashMap<>();
    private final Map<String, Tenant> tokens = new HashMap<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private int pageSize = 2;
    private boolean down;

    private FakeGraph(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static FakeGraph start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService executor = Executors.newCachedThreadPool();
        FakeGraph graph = new FakeGraph(server, executor);
        server.createContext("/", graph::handle);
        server.setExecutor(executor);
        server.start();
        return graph;
    }

    public String authorityUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String baseUrl() {
        return authorityUrl() + "/v1.0";
    }

    public synchronized Tenant tenant(String tenantId, String clientId, String secret) {
        Tenant tenant = new Tenant(tenantId, clientId);
        tenant.secret = secret;
        tenants.put(tenantId, tenant);
        return tenant;
    }

    synchronized Tenant certificateTenant(String tenantId, String clientId, PublicKey key) {
        Tenant tenant = new Tenant(tenantId, clientId);
        tenant.certificateKey = key;
        tenants.put(tenantId, tenant);
        return tenant;
    }

    synchronized Map<String, Tenant> tenants() {
        return tenants;
    }

    public synchronized FakeGraph pageSize(int size) {
        this.pageSize = size;
        return this;
    }

    /** The next {@code times} requests whose path contains {@code pathPart} answer {@code status}. */
    public synchronized FakeGraph fail(String pathPart, int status, Map<String, String> headers, int times) {
        faults.add(new Fault(pathPart, status, headers, Duration.ZERO, times));
        return this;
    }

    /** The next {@code times} requests whose path contains {@code pathPart} are answered after {@code delay}. */
    public synchronized FakeGraph slow(String pathPart, Duration delay, int times) {
        faults.add(new Fault(pathPart, 0, Map.of(), delay, times));
        return this;
    }

    /** While down, every request (token endpoint included) answers 503 without Retry-After. */
    public synchronized FakeGraph down(boolean down) {
        this.down = down;
        return this;
    }

    /** Every delta link issued so far answers 410 Gone from now on. */
    public synchronized FakeGraph expireDeltaLinks() {
        for (Tenant tenant : tenants.values()) {
            tenant.expiredBefore = tenant.version + 1;
            tenant.version++;
        }
        return this;
    }

    /** Requests served so far, as {@code METHOD path?query} (decoded). */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public long count(String part) {
        return requests.stream().filter(request -> request.contains(part)).count();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            URI uri = exchange.getRequestURI();
            String path = uri.getRawPath();
            Map<String, String> query = parse(uri.getRawQuery());
            requests.add(exchange.getRequestMethod() + " " + URLDecoder.decode(path, StandardCharsets.UTF_8)
                + (uri.getRawQuery() == null ? "" : "?" + URLDecoder.decode(uri.getRawQuery(), StandardCharsets.UTF_8)));
            Fault fault = takeFault(path);
            if (fault != null && !fault.delay.isZero()) {
                try {
                    Thread.sleep(fault.delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } else if (fault != null) {
                fault.headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
                String code = fault.status == 429 ? "TooManyRequests" : fault.status == 410 ? "resyncRequired" : "serviceError";
                error(exchange, fault.status, code);
                return;
            }
            synchronized (this) {
                if (down) {
                    error(exchange, 503, "serviceUnavailable");
                    return;
                }
            }
            if (path.endsWith("/oauth2/v2.0/token")) {
                token(exchange, path);
                return;
            }
            Tenant tenant = authenticated(exchange);
            if (tenant == null) {
                error(exchange, 401, "InvalidAuthenticationToken");
                return;
            }
            String resource = path.substring("/v1.0".length()).replace("()", "");
            synchronized (this) {
                route(exchange, tenant, resource, query);
            }
        } finally {
            exchange.close();
        }
    }

    private synchronized Fault takeFault(String path) {
        for (Fault fault : faults) {
            if (path.contains(fault.pathPart) && fault.remaining > 0) {
                fault.remaining--;
                if (fault.remaining == 0) {
                    faults.remove(fault);
                }
                return fault;
            }
        }
        return null;
    }

    private void route(HttpExchange exchange, Tenant tenant, String resource, Map<String, String> query) throws IOException {
        String method = exchange.getRequestMethod();
        if (resource.equals("/users/delta")) {
            usersDelta(exchange, tenant, query);
        } else if (resource.equals("/groups/delta")) {
            groupsDelta(exchange, tenant, query);
        } else if (resource.equals("/groups") && method.equals("POST")) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            String id = String.format("00000000-0000-0000-0000-%012d", tenant.groupNames.size() + 1000);
            tenant.group(id, body.path("displayName").asText());
            send(exchange, 201, JSON.createObjectNode().put("id", id).put("displayName", body.path("displayName").asText()));
        } else if (resource.equals("/groups")) {
            String filter = query.getOrDefault("$filter", "");
            String name = filter.replaceFirst("^displayName eq '(.*)'$", "$1").replace("''", "'");
            ArrayNode value = JSON.createArrayNode();
            tenant.groupNames.forEach((id, groupName) -> {
                if (groupName.equals(name)) {
                    value.addObject().put("id", id).put("displayName", groupName);
                }
            });
            ObjectNode body = JSON.createObjectNode();
            body.set("value", value);
            send(exchange, 200, body);
        } else if (resource.matches("/groups/[^/]+/transitiveMembers")) {
            String id = resource.split("/")[2];
            if (!tenant.groupNames.containsKey(id)) {
                error(exchange, 404, "Request_ResourceNotFound");
                return;
            }
            List<ObjectNode> members = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            collect(tenant, id, seen);
            for (String member : seen) {
                members.add(JSON.createObjectNode().put("@odata.type", tenant.groupNames.containsKey(member)
                    ? "#microsoft.graph.group" : "#microsoft.graph.user").put("id", member));
            }
            page(exchange, members, query, baseUrl() + resource + "?", null);
        } else if (resource.matches("/groups/[^/]+")) {
            String id = resource.split("/")[2];
            if (!tenant.groupNames.containsKey(id)) {
                error(exchange, 404, "Request_ResourceNotFound");
                return;
            }
            send(exchange, 200, JSON.createObjectNode().put("id", id).put("displayName", tenant.groupNames.get(id)));
        } else if (resource.equals("/domains")) {
            ArrayNode value = JSON.createArrayNode();
            tenant.domains.forEach(domain -> value.addObject().put("id", domain).put("isVerified", true));
            value.addObject().put("id", "unverified." + tenant.tenantId + ".example").put("isVerified", false);
            ObjectNode body = JSON.createObjectNode();
            body.set("value", value);
            send(exchange, 200, body);
        } else {
            error(exchange, 404, "BadRequest");
        }
    }

    private static void collect(Tenant tenant, String groupId, Set<String> seen) {
        for (String member : tenant.groupMembers.getOrDefault(groupId, Set.of())) {
            if (seen.add(member) && tenant.groupNames.containsKey(member)) {
                collect(tenant, member, seen);
            }
        }
    }

    private void usersDelta(HttpExchange exchange, Tenant tenant, Map<String, String> query) throws IOException {
        Optional<Long> since = deltaToken(exchange, tenant, query);
        if (since == null) {
            return;
        }
        long upTo = query.containsKey("$skiptoken") ? Long.parseLong(query.get("$skiptoken").split(":")[0]) : tenant.version;
        List<ObjectNode> items = new ArrayList<>();
        tenant.userVersions.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            long version = entry.getValue();
            if (since.isPresent() && (version <= since.get() || version > upTo)) {
                return;
            }
            ObjectNode user = tenant.users.get(entry.getKey());
            if (user != null) {
                items.add(user);
            } else if (since.isPresent()) {
                ObjectNode removed = JSON.createObjectNode().put("id", entry.getKey());
                removed.putObject("@removed").put("reason", "changed");
                items.add(removed);
            }
        });
        page(exchange, items, query, baseUrl() + "/users/delta?" + since.map(s -> "$deltatoken=" + s + "&").orElse(""),
            baseUrl() + "/users/delta?$deltatoken=" + upTo);
    }

    private void groupsDelta(HttpExchange exchange, Tenant tenant, Map<String, String> query) throws IOException {
        if ("latest".equals(query.get("$deltatoken"))) {
            ObjectNode body = JSON.createObjectNode();
            body.putArray("value");
            body.put("@odata.deltaLink", baseUrl() + "/groups/delta?$deltatoken=" + tenant.version);
            send(exchange, 200, body);
            return;
        }
        Optional<Long> since = deltaToken(exchange, tenant, query);
        if (since == null) {
            return;
        }
        List<ObjectNode> items = new ArrayList<>();
        tenant.groupVersions.forEach((id, version) -> {
            if (since.isEmpty() || version > since.get()) {
                ObjectNode group = JSON.createObjectNode().put("id", id);
                if (tenant.groupNames.containsKey(id)) {
                    group.put("displayName", tenant.groupNames.get(id));
                    ArrayNode members = group.putArray("members@delta");
                    tenant.groupMembers.get(id).forEach(member -> members.addObject()
                        .put("@odata.type", tenant.groupNames.containsKey(member) ? "#microsoft.graph.group" : "#microsoft.graph.user")
                        .put("id", member));
                } else {
                    group.putObject("@removed").put("reason", "deleted");
                }
                items.add(group);
            }
        });
        page(exchange, items, query, baseUrl() + "/groups/delta?" + since.map(s -> "$deltatoken=" + s + "&").orElse(""),
            baseUrl() + "/groups/delta?$deltatoken=" + tenant.version);
    }

    /** Empty for "from scratch", the version for a delta token, null when the token expired (410 sent). */
    private Optional<Long> deltaToken(HttpExchange exchange, Tenant tenant, Map<String, String> query) throws IOException {
        String token = query.get("$deltatoken");
        if (token == null) {
            return Optional.empty();
        }
        long since = Long.parseLong(token);
        if (since < tenant.expiredBefore) {
            error(exchange, 410, "resyncRequired");
            return null;
        }
        return Optional.of(since);
    }

    /** Pages {@code items}: {@code $skiptoken} is "upTo:offset"; the last page carries {@code deltaLink} if any. */
    private void page(HttpExchange exchange, List<ObjectNode> items, Map<String, String> query, String linkPrefix,
                      String deltaLink) throws IOException {
        String skip = query.get("$skiptoken");
        int offset = skip == null ? 0 : Integer.parseInt(skip.split(":")[1]);
        String upTo = skip == null ? (deltaLink == null ? "0" : deltaLink.substring(deltaLink.lastIndexOf('=') + 1)) : skip.split(":")[0];
        ObjectNode body = JSON.createObjectNode();
        ArrayNode value = body.putArray("value");
        int end = Math.min(items.size(), offset + pageSize);
        for (int i = offset; i < end; i++) {
            value.add(items.get(i));
        }
        if (end < items.size()) {
            body.put("@odata.nextLink", linkPrefix + "$skiptoken=" + upTo + ":" + end);
        } else if (deltaLink != null) {
            body.put("@odata.deltaLink", deltaLink);
        }
        send(exchange, 200, body);
    }

    private void token(HttpExchange exchange, String path) throws IOException {
        String tenantId = path.split("/")[1];
        Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Tenant tenant;
        synchronized (this) {
            tenant = tenants.get(tenantId);
        }
        if (tenant == null) {
            tokenError(exchange, 400, "invalid_request", "AADSTS90002: Tenant '" + tenantId + "' not found.");
            return;
        }
        if (!tenant.clientId.equals(form.get("client_id")) || !"client_credentials".equals(form.get("grant_type"))
            || !(baseUrl().replace("/v1.0", "") + "/.default").equals(form.get("scope"))) {
            tokenError(exchange, 400, "unauthorized_client", "AADSTS700016: Application not found in the directory.");
            return;
        }
        boolean valid = tenant.secret != null ? tenant.secret.equals(form.get("client_secret"))
            : validAssertion(form.get("client_assertion"), tenant, authorityUrl() + path);
        if (!valid) {
            tokenError(exchange, 401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
            return;
        }
        String token;
        synchronized (this) {
            tenant.tokensIssued++;
            token = "token-" + tenantId + "-" + tenant.tokensIssued;
            tokens.put(token, tenant);
        }
        send(exchange, 200, JSON.createObjectNode().put("token_type", "Bearer").put("expires_in", 3599).put("access_token", token));
    }

    private static boolean validAssertion(String assertion, Tenant tenant, String audience) {
        try {
            String[] parts = assertion.split("\\.");
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(tenant.certificateKey);
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return signature.verify(Base64.getUrlDecoder().decode(parts[2])) && header.hasNonNull("x5t")
                && "RS256".equals(header.path("alg").asText()) && audience.equals(claims.path("aud").asText())
                && tenant.clientId.equals(claims.path("iss").asText()) && tenant.clientId.equals(claims.path("sub").asText())
                && claims.path("exp").asLong() > System.currentTimeMillis() / 1000;
        } catch (Exception e) {
            return false;
        }
    }

    private synchronized Tenant authenticated(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return null;
        }
        return tokens.get(header.substring("Bearer ".length()));
    }

    private static Map<String, String> parse(String query) {
        Map<String, String> values = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return values;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            values.put(name, value);
        }
        return values;
    }

    private static void tokenError(HttpExchange exchange, int status, String error, String description) throws IOException {
        send(exchange, status, JSON.createObjectNode().put("error", error)
            .put("error_description", description + "\r\nTrace ID: 00000000\r\nCorrelation ID: 11111111"));
    }

    private static void error(HttpExchange exchange, int status, String code) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", "fake graph says " + code);
        send(exchange, status, body);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
