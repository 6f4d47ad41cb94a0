package org.t2trewrite.cli;

import picocli.CommandLine.Option;

/** The DNS server the setup checks ask, for {@code setup dkim}, {@code setup dns} and {@code setup all}. */
final class DnsServerOption {
    @Option(names = "--dns-server", paramLabel = "HOST:PORT", description = "DNS server to ask (default: the system resolver)")
    String address;
}
