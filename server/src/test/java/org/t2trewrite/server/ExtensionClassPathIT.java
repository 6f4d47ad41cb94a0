package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The extension jar against the James 3.8.1 it runs in ({@code target/james/lib}, the stock
 * memory server's jars). James loads {@code extensions-jars/} parent-first: for a package that is in
 * both, James's classes win, and the bundled copy (another version, perhaps) is dead weight or a
 * split package. So the jar must bundle only packages that James does not have.
 */
class ExtensionClassPathIT {
    private static final String EXTENSION_JAR = "t2t-rewrite-extension-james-extension.jar";

    @Test
    void extensionJarSharesNoPackageWithJames() throws IOException {
        Path layout = Paths.get(System.getProperty("t2t.james.layout", "target/james"));
        Set<String> bundled = packages(layout.resolve("extensions-jars").resolve(EXTENSION_JAR));
        Map<String, Set<String>> shared = new TreeMap<>();
        List<Path> jamesJars = jars(layout.resolve("lib"));
        for (Path jar : jamesJars) {
            for (String name : packages(jar)) {
                if (bundled.contains(name)) {
                    shared.computeIfAbsent(name, ignored -> new TreeSet<>()).add(jar.getFileName().toString());
                }
            }
        }

        assertThat(jamesJars).as("James's jars").hasSizeGreaterThan(300);
        assertThat(bundled).as("packages of the extension jar")
            .contains("org.t2trewrite.graph", "com.microsoft.graph.models", "okhttp3",
                // ACCP, not relocated (its JNI symbols name this package), with its native library.
                "com.amazon.corretto.crypto.provider")
            .doesNotContain("com.google.common.collect", "com.fasterxml.jackson.databind", "org.slf4j");
        assertThat(shared).as("packages both in the extension jar and in James's lib").isEmpty();
        try (JarFile extension = new JarFile(layout.resolve("extensions-jars").resolve(EXTENSION_JAR).toFile())) {
            assertThat(extension.getEntry("com/amazon/corretto/crypto/provider/libamazonCorrettoCryptoProvider.so"))
                .as("ACCP's native library in the extension jar").isNotNull();
        }
        System.out.printf("ExtensionClassPathIT: %d packages in the extension jar, %d James jars, %d shared%n",
            bundled.size(), jamesJars.size(), shared.size());
    }

    private static List<Path> jars(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        }
    }

    /** Packages with at least one class, multi-release versions included. */
    private static Set<String> packages(Path jar) throws IOException {
        Set<String> packages = new TreeSet<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                String path = name.startsWith("META-INF/versions/") ? name.replaceFirst("^META-INF/versions/[0-9]+/", "") : name;
                if (path.endsWith(".class") && !path.startsWith("META-INF/") && path.contains("/")
                    && !path.endsWith("module-info.class")) {
                    packages.add(path.substring(0, path.lastIndexOf('/')).replace('/', '.'));
                }
            }
        }
        return packages;
    }
}
