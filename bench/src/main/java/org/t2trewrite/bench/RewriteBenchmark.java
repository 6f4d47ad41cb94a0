package org.t2trewrite.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Tenants;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.rewrite.RecipientRewrite;
import org.t2trewrite.core.rewrite.SenderRewrite;

/**
 * The rewrite core alone, per message: parse a realistic header section (about 4 KB, 30 fields,
 * 25 recipients in To/Cc), apply the outbound or inbound rewrite against a directory of
 * {@code people} persons, and serialise the header. No James, no I/O.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RewriteBenchmark {
    @Param({"1000", "100000"})
    public int people;

    private DirectorySnapshot snapshot;
    private byte[] header;
    private List<Address> recipients;

    @Setup
    public void setUp() {
        List<Person> persons = new ArrayList<>(people);
        for (int i = 0; i < people; i++) {
            Set<Group> groups = i % 3 == 0 ? Set.of(Group.DAY_ONE) : i % 3 == 1 ? Set.of(Group.DAY_TWO) : Set.of();
            persons.add(Person.of(Address.parse("user" + i + "@source.example"), Address.parse("user" + i + "@target.example"),
                List.of(Address.parse("alias" + i + "@source.example")), List.of(),
                i % 2 == 0 ? Tenant.SOURCE : Tenant.TARGET, groups));
        }
        snapshot = DirectorySnapshot.of(Tenants.of(Set.of(Domain.of("source.example")), Set.of(Domain.of("target.example"))),
            persons, Instant.EPOCH);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            text.append("Received: from relay").append(i).append(".example (relay").append(i)
                .append(".example [192.0.2.").append(i).append("])\r\n\tby mx.example with ESMTPS id abc").append(i)
                .append("\r\n\tfor <user3@source.example>; Tue, 24 Nov 2026 10:00:0").append(i).append(" +0000\r\n");
        }
        text.append("From: \"User Three\" <user3@source.example>\r\n");
        text.append("To: ");
        recipients = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            text.append(i == 0 ? "" : ",\r\n ").append("\"Person ").append(i).append("\" <user").append(i * 7).append("@source.example>");
            recipients.add(Address.parse("user" + (i * 7) + "@source.example"));
        }
        text.append("\r\nCc: ");
        for (int i = 0; i < 10; i++) {
            text.append(i == 0 ? "" : ", ").append("ext").append(i).append("@external.example");
            recipients.add(Address.parse("ext" + i + "@external.example"));
        }
        text.append("\r\nSubject: =?UTF-8?B?UXVhcnRlcmx5IG51bWJlcnM=?=\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n")
            .append("Message-ID: <1234567890@client.example>\r\nMIME-Version: 1.0\r\n")
            .append("Content-Type: multipart/alternative; boundary=\"b1\"\r\n");
        for (int i = 0; i < 8; i++) {
            text.append("X-MS-Exchange-Header-").append(i).append(": ").append("v".repeat(120)).append("\r\n");
        }
        header = text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] senderRewrite() {
        return SenderRewrite.apply(snapshot, HeaderSection.parse(header), Optional.of(Address.parse("user3@source.example")))
            .headers().section().toBytes();
    }

    @Benchmark
    public byte[] recipientRewrite() {
        return RecipientRewrite.apply(snapshot, HeaderSection.parse(header), Optional.empty(), recipients).headers().section().toBytes();
    }

    @Benchmark
    public byte[] parseAndSerialiseOnly() {
        return HeaderSection.parse(header).toBytes();
    }
}
