package org.t2trewrite.dkim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.t2trewrite.core.Domain;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

/**
 * The signing keys known at one moment, by domain. Several keys for one domain (RSA and
 * Ed25519, or two selectors during a key rotation) each give a signature.
 *
 * <p>Immutable; holds no file paths and does no I/O ({@link KeyFolder} reads the files).
 */
public final class KeyRing {
    private static final Comparator<DkimKey> ORDER = Comparator
        .comparing((DkimKey key) -> key.algorithm())
        .thenComparing(key -> key.name().selector().value());

    private final Map<Domain, List<DkimKey>> byDomain;

    private KeyRing(Map<Domain, List<DkimKey>> byDomain) {
        this.byDomain = byDomain;
    }

    /**
     * @throws IllegalArgumentException when two keys have the same domain and selector
     */
    public static KeyRing of(Collection<DkimKey> keys) {
        Map<Domain, List<DkimKey>> grouped = new LinkedHashMap<>();
        for (DkimKey key : keys) {
            List<DkimKey> forDomain = grouped.computeIfAbsent(key.name().domain(), domain -> new ArrayList<>());
            for (DkimKey other : forDomain) {
                if (other.name().equals(key.name())) {
                    throw new IllegalArgumentException("two keys named " + key.name());
                }
            }
            forDomain.add(key);
        }
        ImmutableMap.Builder<Domain, List<DkimKey>> builder = ImmutableMap.builder();
        grouped.forEach((domain, list) -> {
            list.sort(ORDER);
            builder.put(domain, ImmutableList.copyOf(list));
        });
        return new KeyRing(builder.build());
    }

    public static KeyRing empty() {
        return new KeyRing(ImmutableMap.of());
    }

    /** The keys of a domain, RSA first (widest verifier support), empty when it has none. */
    public List<DkimKey> keysFor(Domain domain) {
        return byDomain.getOrDefault(Objects.requireNonNull(domain, "domain"), ImmutableList.of());
    }

    /** Whether a signature with these {@code d=} and {@code s=} values could be one of ours. */
    public boolean isOurs(Domain domain, Selector selector) {
        for (DkimKey key : keysFor(domain)) {
            if (key.name().selector().equals(selector)) {
                return true;
            }
        }
        return false;
    }

    public List<DkimKey> all() {
        ImmutableList.Builder<DkimKey> all = ImmutableList.builder();
        byDomain.values().forEach(all::addAll);
        return all.build();
    }

    @Override
    public String toString() {
        return all().toString();
    }
}
