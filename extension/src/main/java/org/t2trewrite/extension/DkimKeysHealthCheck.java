package org.t2trewrite.extension;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.dkim.KeyFolder;
import org.t2trewrite.dkim.KeyFolders;

import reactor.core.publisher.Mono;

/**
 * James health check {@value #NAME}: whether every {@code DkimSignRewritten} can sign for every
 * domain a rewritten mail can speak for (WebAdmin {@code GET /healthcheck},
 * {@code /healthcheck/checks/t2t-dkim-keys}).
 *
 * <pre>
 * # conf/healthcheck.properties
 * additional.healthchecks=org.t2trewrite.extension.DkimKeysHealthCheck
 * </pre>
 *
 * <ul>
 *   <li>healthy: each key folder read cleanly at its last change, and holds a key for each domain
 *       a DayOne or DayTwo member is presented in;</li>
 *   <li>degraded, naming the folder and the file or domain: a change of the folder was refused (a
 *       damaged or unreadable key; the previous keys still sign), or such a domain has no key
 *       (its rewritten mail is kept in the mailet's {@code missingKeyProcessor}, or sent unsigned
 *       with {@code onMissingKey=send-unsigned}).</li>
 * </ul>
 *
 * <p>It reads the very {@link KeyFolder} each mailet signs with ({@link KeyFolders}, shared
 * through our Guice module) and checks it for changes as signing does (at most every
 * {@code keyFolderCheckSeconds}). The domains are those of the presented addresses (a DayOne
 * member's target address, a DayTwo member's source address), not every tenant domain: a domain
 * nobody is presented in is never a signing domain of a rewritten {@code From}.
 *
 * <p>Limitations: with no directory snapshot the domains are unknown and only refused changes are
 * reported ({@code t2t-directory} is unhealthy then). A mail whose {@code From} is not eligible
 * but whose other fields were rewritten is signed for its {@code From} domain, which this check
 * does not foresee.
 */
public final class DkimKeysHealthCheck implements HealthCheck {
    static final String NAME = "t2t-dkim-keys";
    private static final ComponentName COMPONENT = new ComponentName(NAME);
    private static final Comparator<Domain> BY_NAME = Comparator.comparing(Domain::name);

    private final KeyFolders keyFolders;
    private final Directory directory;

    @Inject
    public DkimKeysHealthCheck(KeyFolders keyFolders, Directory directory) {
        this.keyFolders = keyFolders;
        this.directory = directory;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromSupplier(this::result);
    }

    private Result result() {
        Optional<SortedSet<Domain>> signingDomains = signingDomains();
        Set<String> problems = new LinkedHashSet<>();
        for (KeyFolders.InUse use : keyFolders.inUse()) {
            KeyFolder.Status status = use.folder().status();
            status.refusal().ifPresent(why -> problems.add("DKIM key folder " + use.folder().folder()
                + ": last change refused, still signing with the previous keys: " + why));
            for (Domain domain : signingDomains.orElse(new TreeSet<>(BY_NAME))) {
                if (status.ring().keysFor(domain).isEmpty()) {
                    problems.add("no DKIM key for " + domain + " in " + use.folder().folder() + ": its rewritten mail is "
                        + use.missingKeyProcessor().map(processor -> "kept in processor '" + processor + "'")
                            .orElse("sent unsigned"));
                }
            }
        }
        return problems.isEmpty() ? Result.healthy(COMPONENT) : Result.degraded(COMPONENT, String.join("; ", problems));
    }

    /** The domains eligible people are presented in; empty when the directory cannot answer. */
    private Optional<SortedSet<Domain>> signingDomains() {
        DirectorySnapshot snapshot;
        try {
            snapshot = directory.snapshot();
        } catch (DirectoryUnavailableException e) {
            return Optional.empty();
        }
        SortedSet<Domain> domains = new TreeSet<>(BY_NAME);
        for (Person person : snapshot.people()) {
            Optional<Group> group = person.eligibility().group();
            group.ifPresent(presented -> domains.add(person.address(presented.presentedTenant()).domain()));
        }
        return Optional.of(domains);
    }
}
