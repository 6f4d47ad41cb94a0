package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The secrets a relay's work dir holds, to check that none reached its log (issue 13): every
 * private key's material (the base64 lines inside {@code PRIVATE KEY} blocks of every file under
 * the work dir: DKIM and ARC keys, the TLS key), every password or secret value of
 * {@code conf/jvm.properties} and {@code conf/*.properties} (key store passwords, a Graph client
 * secret), and the values of the environment given to James.
 */
final class LogSecrets {
    private static final int SHORTEST = 8;

    private LogSecrets() {
    }

    /** Fails naming the kind and place of the first secret the log holds (never the secret itself). */
    static void assertNoneIn(String log, Path workDir, Map<String, String> environment) throws IOException {
        for (Secret secret : of(workDir, environment)) {
            if (log.contains(secret.value)) {
                throw new AssertionError("the James log of " + workDir + " contains " + secret.what);
            }
        }
    }

    static List<Secret> of(Path workDir, Map<String, String> environment) throws IOException {
        List<Secret> secrets = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (value.length() >= SHORTEST) {
                secrets.add(new Secret("the value of environment variable " + name, value));
            }
        });
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                String name = file.getFileName().toString();
                if (name.endsWith(".properties")) {
                    secrets.addAll(propertySecrets(file));
                } else if (name.endsWith(".pem") || name.endsWith(".key")) {
                    secrets.addAll(keyMaterial(file));
                }
            }
        }
        return secrets;
    }

    private static List<Secret> propertySecrets(Path file) throws IOException {
        List<Secret> secrets = new ArrayList<>();
        for (String line : Files.readAllLines(file, ISO_8859_1)) {
            int equals = line.indexOf('=');
            if (line.startsWith("#") || equals < 0) {
                continue;
            }
            String key = line.substring(0, equals).trim().toLowerCase(java.util.Locale.ROOT);
            String value = line.substring(equals + 1).trim();
            if (!(key.contains("password") || key.contains("secret")) || value.startsWith("${")) {
                continue;
            }
            String name = line.substring(0, equals).trim();
            if (key.endsWith("file")) {
                // A path to the secret (graph.*.clientSecretFile) may be logged; what it holds may not.
                Path secretFile = file.getParent().resolve(value);
                if (Files.isRegularFile(secretFile)) {
                    String content = Files.readString(secretFile, ISO_8859_1).trim();
                    if (content.length() >= SHORTEST) {
                        secrets.add(new Secret("the content of " + name + " (" + secretFile.getFileName() + ")", content));
                    }
                }
            } else if (value.length() >= SHORTEST) {
                secrets.add(new Secret("the value of " + name + " in " + file.getFileName(), value));
            }
        }
        return secrets;
    }

    private static List<Secret> keyMaterial(Path file) throws IOException {
        List<Secret> secrets = new ArrayList<>();
        boolean inKey = false;
        for (String line : Files.readAllLines(file, ISO_8859_1)) {
            if (line.startsWith("-----BEGIN") && line.contains("PRIVATE KEY")) {
                inKey = true;
            } else if (line.startsWith("-----END")) {
                inKey = false;
            } else if (inKey && line.trim().length() >= 40) {
                secrets.add(new Secret("private key material of " + file.getFileName(), line.trim()));
            }
        }
        return secrets;
    }

    static final class Secret {
        final String what;
        final String value;

        Secret(String what, String value) {
            this.what = what;
            this.value = value;
        }
    }
}
