package org.t2trewrite.dkim;

import java.security.Provider;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;

/**
 * The only class that names Amazon Corretto Crypto Provider's classes, so that a class path
 * without ACCP fails here, with a {@link LinkageError} that {@link RsaSigning} reports, and
 * nowhere else.
 *
 * <p>Does not install ACCP as a JVM-wide provider ({@code Security.insertProviderAt}): that would
 * change TLS and every other use of the JCA in James. Loading the class does extract and load
 * ACCP's native library (from the jar, into {@code java.io.tmpdir} or the folder named by the
 * system property {@code com.amazon.corretto.crypto.provider.tmpdir}).
 */
final class Accp {
    private Accp() {
    }

    /**
     * ACCP's provider, when its native library loaded.
     *
     * @throws IllegalStateException with ACCP's loading error when it did not
     * @throws LinkageError when ACCP is not on the class path
     */
    static Provider provider() {
        AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        Throwable loadingError = accp.getLoadingError();
        if (loadingError != null) {
            throw new IllegalStateException("ACCP's native library did not load (" + loadingError + ")", loadingError);
        }
        return accp;
    }
}
