package org.t2trewrite.graph;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.t2trewrite.graph.GraphDirectoryConfig.TenantConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.authentication.AuthenticationProvider;

import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * App-only authentication for one tenant: the OAuth 2.0 client credentials grant (RFC 6749 §4.4) against
 * {@code {authority}/{tenantId}/oauth2/v2.0/token}, with a client secret or with a certificate-signed JWT
 * client assertion (RFC 7523, RS256, {@code x5t} header as Entra ID expects). The token is cached and renewed
 * five minutes before it expires (or at half its life when that is shorter).
 *
 * <p>Adds the bearer token only to requests for the configured Graph host, so a {@code nextLink} pointing
 * elsewhere never receives it. Does not use azure-identity (see the class loading notes); does not log
 * tokens or credentials.
 */
public final class ClientCredentialsAuthenticationProvider implements AuthenticationProvider {
    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(5);
    private static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TenantConfig tenant;
    private final String tokenEndpoint;
    private final String scope;
    private final String graphHost;
    private final OkHttpClient http;
    private final Clock clock;
    private String token;
    private Instant renewAt = Instant.MIN;

    ClientCredentialsAuthenticationProvider(TenantConfig tenant, URI authorityUrl, URI graphBaseUrl,
                                            OkHttpClient http, Clock clock) {
        this.tenant = Objects.requireNonNull(tenant);
        this.tokenEndpoint = authorityUrl + "/" + tenant.tenantId() + "/oauth2/v2.0/token";
        // The app-only scope is the resource's root with /.default (all application permissions granted).
        this.scope = graphBaseUrl.getScheme() + "://" + graphBaseUrl.getRawAuthority() + "/.default";
        this.graphHost = graphBaseUrl.getHost().toLowerCase(Locale.ROOT);
        this.http = Objects.requireNonNull(http);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public void authenticateRequest(RequestInformation request, Map<String, Object> additionalAuthenticationContext) {
        URI uri;
        try {
            uri = request.getUri();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("request without a valid URI", e);
        }
        if (uri.getHost() == null || !uri.getHost().toLowerCase(Locale.ROOT).equals(graphHost)) {
            return;
        }
        if (!request.headers.containsKey("Authorization")) {
            request.headers.add("Authorization", "Bearer " + accessToken());
        }
    }

    /**
     * A valid access token, from the cache or freshly issued.
     *
     * @throws GraphAuthenticationException when Entra ID refuses or cannot be reached
     */
    public synchronized String accessToken() {
        Instant now = clock.instant();
        if (token != null && now.isBefore(renewAt)) {
            return token;
        }
        FormBody.Builder form = new FormBody.Builder()
            .add("grant_type", "client_credentials")
            .add("client_id", tenant.clientId())
            .add("scope", scope);
        ClientCredential credential = tenant.credential();
        if (credential.isCertificate()) {
            form.add("client_assertion_type", JWT_BEARER).add("client_assertion", clientAssertion(now));
        } else {
            form.add("client_secret", credential.clientSecret().orElseThrow());
        }
        Request request = new Request.Builder().url(tokenEndpoint).post(form.build()).build();
        try (Response response = http.newCall(request).execute()) {
            ResponseBody body = response.body();
            String text = body == null ? "" : body.string();
            JsonNode json = parseOrEmpty(text);
            if (!response.isSuccessful() || !json.hasNonNull("access_token")) {
                throw new GraphAuthenticationException("token request for tenant " + tenant.tenantId() + " as client "
                    + tenant.clientId() + " failed: HTTP " + response.code() + describeError(json));
            }
            long expiresIn = json.path("expires_in").asLong(3600);
            Duration lifetime = Duration.ofSeconds(Math.max(expiresIn, 1));
            Duration margin = lifetime.compareTo(RENEW_BEFORE_EXPIRY.multipliedBy(2)) < 0
                ? lifetime.dividedBy(2) : RENEW_BEFORE_EXPIRY;
            token = json.get("access_token").asText();
            renewAt = now.plus(lifetime).minus(margin);
            return token;
        } catch (IOException e) {
            throw new GraphAuthenticationException("token endpoint " + tokenEndpoint + " unreachable: " + e, e);
        }
    }

    private static JsonNode parseOrEmpty(String text) {
        try {
            return JSON.readTree(text.isEmpty() ? "{}" : text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String describeError(JsonNode json) {
        String error = json.path("error").asText("");
        String description = json.path("error_description").asText("");
        int newline = description.indexOf('\n');
        if (newline > 0) {
            // Entra appends trace and correlation ids on further lines; the first line names the problem.
            description = description.substring(0, newline).trim();
        }
        String text = (error + " " + description).trim();
        return text.isEmpty() ? "" : " " + text;
    }

    /** A signed JWT client assertion (RFC 7523 §2.2; claims as documented for Entra ID certificate credentials). */
    private String clientAssertion(Instant now) {
        ClientCredential credential = tenant.credential();
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT").put("x5t", credential.x5t());
        ObjectNode claims = JSON.createObjectNode()
            .put("aud", tokenEndpoint)
            .put("iss", tenant.clientId())
            .put("sub", tenant.clientId())
            .put("jti", UUID.randomUUID().toString())
            .put("nbf", now.getEpochSecond())
            .put("iat", now.getEpochSecond())
            .put("exp", now.plus(ASSERTION_LIFETIME).getEpochSecond());
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = base64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
            + base64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(credential.privateKey().orElseThrow());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new GraphAuthenticationException("cannot sign the client assertion with " + credential, e);
        }
    }
}
