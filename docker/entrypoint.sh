#!/usr/bin/env bash
# The container's entry point: configures James from environment variables the way ./relay does
# from its options (a fresh conf/ from james-conf/, our values appended to conf/jvm.properties,
# where the last occurrence wins), then execs java as PID 1 (or as the child of --init): James's
# shutdown hook handles SIGTERM. Variables and volumes: README, "Container image".
#
#   relay (default)   run the relay
#   cli ARGS...       run the t2t-rewrite CLI (dkim-keygen, graph-check, ...)
#   anything else     exec'd as is (e.g. bash)
set -euo pipefail

APP=/opt/t2t
HOME_DIR=/var/lib/t2t
CONF="$HOME_DIR/conf"
CLI_JAR="$APP/cli/t2t-rewrite-cli.jar"

die() {
    echo "t2t-relay: $*" >&2
    exit 2
}

case "${1:-relay}" in
    relay) [ $# -le 1 ] || die "relay takes no arguments, only environment variables (README, Container image)" ;;
    cli) shift; exec java ${JAVA_OPTS:-} -cp "$CLI_JAR" org.t2trewrite.cli.T2tRewriteCli "$@" ;;
    *) exec "$@" ;;
esac

port() {
    # $1 variable name, $2 value
    [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 65535 ] || die "$1: not a port number: '$2'"
}

T2T_SMTP_BIND="${T2T_SMTP_BIND:-0.0.0.0}"
T2T_SMTP_PORT="${T2T_SMTP_PORT:-2525}"
T2T_WEBADMIN_BIND="${T2T_WEBADMIN_BIND:-127.0.0.1}"
T2T_WEBADMIN_PORT="${T2T_WEBADMIN_PORT:-8000}"
T2T_DIRECTORY_FILE="${T2T_DIRECTORY_FILE:-$HOME_DIR/directory/directory.json}"
T2T_DKIM_KEYS="${T2T_DKIM_KEYS:-/etc/t2t/dkim}"
T2T_GATEWAY="${T2T_GATEWAY:-}"
T2T_ROUTE_SOURCE="${T2T_ROUTE_SOURCE:-}"
T2T_ROUTE_TARGET="${T2T_ROUTE_TARGET:-}"
T2T_ROUTE_OTHER="${T2T_ROUTE_OTHER:-}"
T2T_CAPTURE="${T2T_CAPTURE:-}"
T2T_RELAY_NETWORKS="${T2T_RELAY_NETWORKS:-}"
T2T_MAX_MESSAGE_SIZE_KB="${T2T_MAX_MESSAGE_SIZE_KB:-}"
T2T_HEAP="${T2T_HEAP:-}"
T2T_TLS_CERT="${T2T_TLS_CERT:-}"
T2T_TLS_KEY="${T2T_TLS_KEY:-}"
T2T_TLS_TRUST="${T2T_TLS_TRUST:-}"
T2T_REQUIRE_TLS="${T2T_REQUIRE_TLS:-false}"
T2T_ARC_DOMAIN="${T2T_ARC_DOMAIN:-}"
T2T_ARC_SELECTOR="${T2T_ARC_SELECTOR:-arc}"
T2T_DNS_SERVER="${T2T_DNS_SERVER:-}"

port T2T_SMTP_PORT "$T2T_SMTP_PORT"
port T2T_WEBADMIN_PORT "$T2T_WEBADMIN_PORT"
[[ "$T2T_SMTP_BIND" =~ ^[0-9A-Fa-f:.]+$ ]] || die "T2T_SMTP_BIND: not an IP address: '$T2T_SMTP_BIND'"
[[ "$T2T_WEBADMIN_BIND" =~ ^[0-9A-Fa-f:.]+$ ]] || die "T2T_WEBADMIN_BIND: not an IP address: '$T2T_WEBADMIN_BIND'"

# Where mail goes, as ./relay's --route-*, --gateway or --capture: always named (no default that
# could send mail somewhere unexpected). Routes: the tenants' inbound endpoints, everyone else by MX
# or a smart host; a gateway: everything to one server; a capture folder: to try the image.
# HOST[:PORT] or a comma-separated list of them, as RemoteDelivery's gateway parameter takes it.
HOSTS_RE='^[^:,[:space:]]+(:[0-9]+)?(,[^:,[:space:]]+(:[0-9]+)?)*$'
if [ -n "$T2T_ROUTE_SOURCE$T2T_ROUTE_TARGET$T2T_ROUTE_OTHER" ]; then
    [ -n "$T2T_ROUTE_SOURCE" ] && [ -n "$T2T_ROUTE_TARGET" ] || die "T2T_ROUTE_SOURCE and T2T_ROUTE_TARGET go together"
    [[ "$T2T_ROUTE_SOURCE" =~ $HOSTS_RE ]] || die "T2T_ROUTE_SOURCE: expected HOST[:PORT][,...], got '$T2T_ROUTE_SOURCE'"
    [[ "$T2T_ROUTE_TARGET" =~ $HOSTS_RE ]] || die "T2T_ROUTE_TARGET: expected HOST[:PORT][,...], got '$T2T_ROUTE_TARGET'"
    T2T_ROUTE_OTHER="${T2T_ROUTE_OTHER:-mx}"
    [ "$T2T_ROUTE_OTHER" = mx ] || [[ "$T2T_ROUTE_OTHER" =~ $HOSTS_RE ]] \
        || die "T2T_ROUTE_OTHER: expected mx or HOST[:PORT][,...], got '$T2T_ROUTE_OTHER'"
    [ -z "$T2T_GATEWAY" ] || die "T2T_GATEWAY and T2T_ROUTE_* exclude each other"
    [ -z "$T2T_CAPTURE" ] || die "T2T_CAPTURE and T2T_ROUTE_* exclude each other"
    DELIVERY=t2t-routes
    WHERE="source tenant's domains to $T2T_ROUTE_SOURCE, target's to $T2T_ROUTE_TARGET, others to $T2T_ROUTE_OTHER"
elif [ -n "$T2T_GATEWAY" ]; then
    [ -z "$T2T_CAPTURE" ] || die "T2T_GATEWAY and T2T_CAPTURE exclude each other"
    [[ "$T2T_GATEWAY" =~ ^[^:[:space:]]+:[0-9]+$ ]] || die "T2T_GATEWAY: expected HOST:PORT, got '$T2T_GATEWAY'"
    port T2T_GATEWAY "${T2T_GATEWAY##*:}"
    DELIVERY=t2t-gateway
    WHERE="all mail to $T2T_GATEWAY"
elif [ -n "$T2T_CAPTURE" ]; then
    mkdir -p "$T2T_CAPTURE" 2>/dev/null && [ -w "$T2T_CAPTURE" ] || die "T2T_CAPTURE: cannot write to $T2T_CAPTURE"
    DELIVERY=t2t-capture
    WHERE="captured into $T2T_CAPTURE"
else
    die "T2T_ROUTE_SOURCE and T2T_ROUTE_TARGET (the tenants' inbound endpoints) or T2T_GATEWAY (HOST:PORT taking all outgoing mail) is required (T2T_CAPTURE=DIR to try the image without either)"
fi

# Who may relay: the tenants' connector addresses. Required: a container's own 127.0.0.0/8 would
# accept nobody, anything wider must be a decision. James splits the list on commas itself.
[ -n "$T2T_RELAY_NETWORKS" ] || die "T2T_RELAY_NETWORKS is required (comma-separated IPs or CIDR ranges allowed to relay, e.g. the tenants' connector ranges)"
NETWORKS=""
IFS=',' read -r -a ENTRIES <<<"$T2T_RELAY_NETWORKS"
for entry in "${ENTRIES[@]}"; do
    entry="${entry//[[:space:]]/}"
    [ -n "$entry" ] || continue
    [[ "$entry" =~ ^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$ ]] || die "T2T_RELAY_NETWORKS: not an IP address or CIDR range: '$entry'"
    NETWORKS="${NETWORKS:+$NETWORKS,}$entry"
done
[ -n "$NETWORKS" ] || die "T2T_RELAY_NETWORKS: no address in '$T2T_RELAY_NETWORKS'"

[ -z "$T2T_MAX_MESSAGE_SIZE_KB" ] || [[ "$T2T_MAX_MESSAGE_SIZE_KB" =~ ^[0-9]+$ ]] \
    || die "T2T_MAX_MESSAGE_SIZE_KB: not a number: '$T2T_MAX_MESSAGE_SIZE_KB'"
[ -z "$T2T_HEAP" ] || [[ "$T2T_HEAP" =~ ^[0-9]+[kKmMgG]?$ ]] || die "T2T_HEAP: expected a size such as 768m or 2g, got '$T2T_HEAP'"

# TLS, as ./relay's --tls-cert/--tls-key/--tls-trust/--require-tls (files under the /etc/t2t/tls mount).
readable_file() {
    [ -f "$2" ] && [ -r "$2" ] || die "$1: not a readable file: $2"
}
[ -z "$T2T_TLS_CERT" ] || readable_file T2T_TLS_CERT "$T2T_TLS_CERT"
[ -z "$T2T_TLS_KEY" ] || readable_file T2T_TLS_KEY "$T2T_TLS_KEY"
[ -z "$T2T_TLS_TRUST" ] || readable_file T2T_TLS_TRUST "$T2T_TLS_TRUST"
{ [ -z "$T2T_TLS_CERT" ] && [ -z "$T2T_TLS_KEY" ]; } || { [ -n "$T2T_TLS_CERT" ] && [ -n "$T2T_TLS_KEY" ]; } \
    || die "T2T_TLS_CERT and T2T_TLS_KEY go together"
[ "$T2T_REQUIRE_TLS" = true ] || [ "$T2T_REQUIRE_TLS" = false ] || die "T2T_REQUIRE_TLS: expected true or false, got '$T2T_REQUIRE_TLS'"
[ "$T2T_REQUIRE_TLS" = false ] || [ -n "$T2T_TLS_CERT" ] || die "T2T_REQUIRE_TLS=true needs T2T_TLS_CERT and T2T_TLS_KEY (nobody could send mail)"

# A fresh conf/ at every start, as ./relay makes it; files in /etc/t2t/conf replace their namesakes.
rm -rf "$CONF"
cp -R "$APP/james-conf" "$CONF"
for file in /etc/t2t/conf/*; do
    [ -f "$file" ] || continue
    cp "$file" "$CONF/"
done

USE_TLS=""
if [ -n "$T2T_TLS_CERT$T2T_TLS_TRUST" ] || [ "$T2T_REQUIRE_TLS" = true ]; then
    USE_TLS=yes
    # Never set TLS variables that the configuration would silently ignore.
    grep -q 't2t.smtp.startTls' "$CONF/smtpserver.xml" || die "T2T_TLS_*: this image's configuration has no STARTTLS support"
fi

if grep -Eq '^[[:space:]]*directory\.type[[:space:]]*[=:][[:space:]]*file[[:space:]]*$' "$CONF/t2trewrite.properties"; then
    [ -f "$T2T_DIRECTORY_FILE" ] || die "T2T_DIRECTORY_FILE: no such file: $T2T_DIRECTORY_FILE (mount the folder holding it on $HOME_DIR/directory)"
fi

# Every rewritten mail is signed: without a key, such mail would be kept, not relayed. Keys are not
# generated here: a key is of no use until its DNS record is published, and every node needs the
# same keys. Make them once with `cli dkim-keygen` (README).
[ -d "$T2T_DKIM_KEYS" ] || die "T2T_DKIM_KEYS: no such folder: $T2T_DKIM_KEYS"
[ -z "$T2T_DNS_SERVER" ] || [[ "$T2T_DNS_SERVER" =~ ^[^:]+:[0-9]+$ ]] || die "T2T_DNS_SERVER: not HOST:PORT: '$T2T_DNS_SERVER'"
[ -z "$T2T_ARC_DOMAIN" ] || [ -f "$T2T_DKIM_KEYS/$T2T_ARC_SELECTOR._domainkey.$T2T_ARC_DOMAIN.pem" ] \
    || die "T2T_ARC_DOMAIN: no sealing key $T2T_ARC_SELECTOR._domainkey.$T2T_ARC_DOMAIN.pem in $T2T_DKIM_KEYS (make it with: cli dkim-keygen --domain $T2T_ARC_DOMAIN --selector $T2T_ARC_SELECTOR --out DIR)"
compgen -G "$T2T_DKIM_KEYS/*._domainkey.*.pem" >/dev/null \
    || die "T2T_DKIM_KEYS: no <selector>._domainkey.<domain>.pem key in $T2T_DKIM_KEYS (make them with: cli dkim-keygen --for-directory FILE --selector SEL --out DIR)"

mkdir -p "$HOME_DIR/var" 2>/dev/null && [ -w "$HOME_DIR/var" ] || die "cannot write to $HOME_DIR/var (the var volume must belong to uid $(id -u))"

# Outbound TLS goes through javax.mail and the JVM's default TLS context: the CLI checks the PEM
# files (the key belongs to the certificate) and writes the key/trust stores and the javax.net.ssl.*
# properties that context reads, all mode 0600, as ./relay does.
rm -rf "$HOME_DIR/tls"
if [ -n "$T2T_TLS_CERT$T2T_TLS_TRUST" ]; then
    mkdir -p "$HOME_DIR/tls"
    chmod 700 "$HOME_DIR/tls"
    TLS_ARGS=()
    [ -z "$T2T_TLS_CERT" ] || TLS_ARGS+=(--cert "$T2T_TLS_CERT" --key "$T2T_TLS_KEY")
    [ -z "$T2T_TLS_TRUST" ] || TLS_ARGS+=(--trust "$T2T_TLS_TRUST")
    java -cp "$CLI_JAR" org.t2trewrite.cli.T2tRewriteCli tls-keystore "${TLS_ARGS[@]}" --out "$HOME_DIR/tls" \
        | sed 's/^/t2t-relay: TLS: /' >&2 || die "cannot use the TLS files (see above)"
fi

# jvm.properties is loaded by James into system properties and wins over -D: append ours.
# Private: with TLS it names the key store password.
chmod 600 "$CONF/jvm.properties"
{
    echo
    echo "# ---- set by the container's entrypoint.sh ----"
    echo "t2t.smtp.bind=$T2T_SMTP_BIND"
    echo "t2t.smtp.port=$T2T_SMTP_PORT"
    echo "t2t.smtp.authorizedAddresses=$NETWORKS"
    echo "t2t.webadmin.bind=$T2T_WEBADMIN_BIND"
    echo "t2t.webadmin.port=$T2T_WEBADMIN_PORT"
    [ -z "$T2T_MAX_MESSAGE_SIZE_KB" ] || echo "t2t.smtp.maxMessageSizeKb=$T2T_MAX_MESSAGE_SIZE_KB"
    echo "t2t.delivery=$DELIVERY"
    [ -z "$T2T_GATEWAY" ] || echo "t2t.gateway=$T2T_GATEWAY"
    if [ "$DELIVERY" = t2t-routes ]; then
        echo "t2t.route.source=$T2T_ROUTE_SOURCE"
        echo "t2t.route.target=$T2T_ROUTE_TARGET"
        if [ "$T2T_ROUTE_OTHER" = mx ]; then
            echo "t2t.route.other=t2t-to-mx"
        else
            echo "t2t.route.other=t2t-to-smarthost"
            echo "t2t.route.smarthost=$T2T_ROUTE_OTHER"
        fi
    fi
    [ -z "$T2T_CAPTURE" ] || echo "t2t.capture.folder=$T2T_CAPTURE"
    echo "t2t.directory.file=$T2T_DIRECTORY_FILE"
    echo "t2t.dkim.keys=$T2T_DKIM_KEYS"
    echo "t2t.arc.domain=$T2T_ARC_DOMAIN"
    echo "t2t.arc.selector=$T2T_ARC_SELECTOR"
    echo "t2t.dns.server=$T2T_DNS_SERVER"
    if [ -n "$USE_TLS" ]; then
        if [ -n "$T2T_TLS_CERT" ]; then
            echo "t2t.smtp.startTls=true"
            echo "t2t.tls.cert=$T2T_TLS_CERT"
            echo "t2t.tls.key=$T2T_TLS_KEY"
        fi
        echo "t2t.smtp.requireTls=$T2T_REQUIRE_TLS"
    fi
} | sed 's/\\/\\\\/g' >>"$CONF/jvm.properties"
[ ! -f "$HOME_DIR/tls/jsse.properties" ] || cat "$HOME_DIR/tls/jsse.properties" >>"$CONF/jvm.properties"

echo "t2t-relay: SMTP on $T2T_SMTP_BIND:$T2T_SMTP_PORT relaying for $NETWORKS; WebAdmin on $T2T_WEBADMIN_BIND:$T2T_WEBADMIN_PORT" >&2
echo "t2t-relay: delivery: $WHERE; directory $T2T_DIRECTORY_FILE; DKIM keys $T2T_DKIM_KEYS; queues and kept mail in $HOME_DIR/var" >&2
[ -z "$T2T_TLS_CERT" ] || echo "t2t-relay: STARTTLS offered with $T2T_TLS_CERT$([ "$T2T_REQUIRE_TLS" = false ] || echo ' and required before MAIL FROM')" >&2

# Heap: T2T_HEAP, else three quarters of the container's memory limit (Java 10+ reads cgroup
# limits). A JVM out of memory exits (the container restarts) rather than limping on.
if [ -n "$T2T_HEAP" ]; then
    HEAP_OPTS="-Xms$T2T_HEAP -Xmx$T2T_HEAP"
else
    HEAP_OPTS="-XX:MaxRAMPercentage=75"
fi

cd "$HOME_DIR"
# JAVA_OPTS last: an operator's option wins over ours.
# shellcheck disable=SC2086
exec java $HEAP_OPTS -XX:+ExitOnOutOfMemoryError -Djdk.tls.ephemeralDHKeySize=2048 ${JAVA_OPTS:-} \
    -cp "$APP/lib/*" \
    -Dworking.directory="$HOME_DIR" \
    -Dextra.props="$CONF/jvm.properties" \
    -Dlogback.configurationFile="$CONF/logback.xml" \
    org.t2trewrite.runtime.RelayServerMain
