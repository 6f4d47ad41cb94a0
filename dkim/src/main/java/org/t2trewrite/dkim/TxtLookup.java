package org.t2trewrite.dkim;

/**
 * The DNS TXT look-ups that verification needs (DKIM and ARC key records, DMARC policies): the
 * port that {@link CachedDns} implements over the network and tests implement with a map.
 */
public interface TxtLookup {
    /** The TXT records at {@code name} (no trailing dot), each record's strings joined. */
    TxtAnswer txt(String name);
}
