package org.t2trewrite.cli;

import java.util.Objects;

import org.t2trewrite.core.Domain;

/**
 * The Exchange Online PowerShell that makes a tenant trust the relay's ARC seals
 * ({@code Set-ArcConfig -ArcTrustedSealers}): with it, the tenant's filtering accepts a mail whose
 * author's DKIM signature or SPF our rewrite broke when our seal verifies, on the results our
 * ARC-Authentication-Results recorded. For {@code arc-records} and the setup wizard.
 *
 * <p>Text only: nothing here connects to Exchange. The block keeps sealers the tenant already
 * trusts ({@code Set-ArcConfig} replaces the list).
 */
public final class ExchangeArcConfig {
    private ExchangeArcConfig() {
    }

    /**
     * The commands to run in one tenant, as a PowerShell block with a comment naming the tenant.
     *
     * @param tenant how the operator knows the tenant, e.g. {@code source (source.example)}
     */
    public static String trustSealer(String tenant, Domain sealingDomain) {
        Objects.requireNonNull(tenant, "tenant");
        String domain = sealingDomain.key();
        return "# In the " + tenant + " tenant (Exchange Online PowerShell, Connect-ExchangeOnline first):\n"
            + "$sealers = @((Get-ArcConfig).ArcTrustedSealers | Where-Object { $_ }) + '" + domain + "' | Select-Object -Unique\n"
            + "Set-ArcConfig -Identity Default -ArcTrustedSealers ($sealers -join ',')\n"
            + "# Plainly, when the tenant trusts no other sealer:\n"
            + "# Set-ArcConfig -Identity Default -ArcTrustedSealers " + domain + "\n";
    }
}
