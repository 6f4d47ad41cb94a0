package org.t2trewrite.extension;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import javax.inject.Singleton;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.MonitoredDirectory;
import org.t2trewrite.directory.file.FileDirectory;
import org.t2trewrite.directory.file.InvalidDirectoryFileException;
import org.t2trewrite.dkim.DnsCaches;
import org.t2trewrite.dkim.KeyFolders;
import org.t2trewrite.glue.PinnedSnapshots;
import org.t2trewrite.graph.GraphDirectory;
import org.t2trewrite.graph.GraphDirectoryConfig;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * The Guice module James loads for our matchers, mailets and health checks: it provides the one
 * {@link Directory} they share, as configured in {@code conf/t2trewrite.properties}, the
 * {@link KeyFolders} through which the DKIM health check sees the mailets' key folders, and the
 * {@link DnsCaches} the authentication checks share.
 *
 * <pre>
 * # conf/extensions.properties
 * guice.extension.module=org.t2trewrite.extension.T2tRewriteModule
 * </pre>
 *
 * <p>James instantiates extension modules from its own injector and builds a child injector per
 * loader (mailets, matchers); the module is a singleton of the parent injector and creates the
 * directory and its {@link PinnedSnapshots} once, so matchers and mailets see the same snapshots,
 * pinned per mail, and one file watcher runs. James instantiates the health checks named in
 * {@code healthcheck.properties} ({@code additional.healthchecks}) and the WebAdmin routes of
 * {@code webadmin.properties} ({@code extensions.routes}) from that same child injector, so they
 * see the same instances. A {@code Multibinder<HealthCheck>} here would not reach WebAdmin: this
 * module is never part of James's main injector, whose {@code HealthCheckRoutes} reads the set.
 *
 * <p>On failure: a missing or invalid configuration or directory file stops James at start-up
 * with a message naming the key, file, line and problem.
 */
@Singleton
public class T2tRewriteModule extends AbstractModule {
    static final String CONFIGURATION_NAME = "t2trewrite";
    private static final Logger LOGGER = LoggerFactory.getLogger(T2tRewriteModule.class);

    private MonitoredDirectory directory;
    private PinnedSnapshots snapshots;
    private KeyFolders keyFolders;
    private DnsCaches dnsCaches;

    /** The directory with its freshness, for the health check. */
    @Provides
    synchronized MonitoredDirectory monitoredDirectory(PropertiesProvider properties, FileSystem fileSystem)
        throws ConfigurationException, IOException, InvalidDirectoryFileException {
        if (directory == null) {
            directory = create(read(properties), fileSystem);
        }
        return directory;
    }

    @Provides
    Directory directory(MonitoredDirectory directory) {
        return directory;
    }

    /**
     * One instance for every matcher and mailet, so that all of them see the snapshot pinned to a
     * mail; it counts the times the directory could not answer ({@link CountingDirectory}).
     */
    @Provides
    synchronized PinnedSnapshots snapshots(Directory directory, MetricFactory metrics) {
        if (snapshots == null) {
            snapshots = new PinnedSnapshots(new CountingDirectory(directory, metrics.generate(CountingDirectory.METRIC)));
        }
        return snapshots;
    }

    /** One instance: every DkimSignRewritten lists its key folder there, the DKIM health check reads it. */
    @Provides
    synchronized KeyFolders keyFolders() {
        if (keyFolders == null) {
            keyFolders = new KeyFolders();
        }
        return keyFolders;
    }

    /** One instance: every VerifyAuthentication with the same DNS setting shares one resolver and cache. */
    @Provides
    synchronized DnsCaches dnsCaches() {
        if (dnsCaches == null) {
            dnsCaches = new DnsCaches();
        }
        return dnsCaches;
    }

    private static Configuration read(PropertiesProvider properties) throws ConfigurationException {
        try {
            return properties.getConfiguration(CONFIGURATION_NAME);
        } catch (FileNotFoundException e) {
            throw new ConfigurationException("conf/" + CONFIGURATION_NAME + ".properties is missing: it names the directory", e);
        }
    }

    private static MonitoredDirectory create(Configuration configuration, FileSystem fileSystem)
        throws IOException, InvalidDirectoryFileException {
        DirectoryConfiguration config = DirectoryConfiguration.from(configuration.getKeys(),
            key -> PropertyValues.single(configuration, key));
        switch (config.type()) {
            case FILE:
                Path file = resolve(config.file().orElseThrow(), fileSystem);
                FileDirectory fileDirectory = FileDirectory.start(file, config.pollInterval());
                LOGGER.info("directory: file {} (checked every {})", file, config.pollInterval());
                return fileDirectory;
            case GRAPH:
                GraphDirectory graphDirectory = GraphDirectory.start(GraphDirectoryConfig.from(GraphProperties.from(configuration)));
                LOGGER.info("directory: Microsoft Graph ({})", graphDirectory);
                return graphDirectory;
            default:
                throw new IllegalArgumentException("unknown directory.type " + config.type().name().toLowerCase(Locale.ROOT));
        }
    }

    private static Path resolve(String location, FileSystem fileSystem) throws FileNotFoundException {
        if (location.contains("://") || location.startsWith("classpath:")) {
            File file = fileSystem.getFile(location);
            return file.toPath();
        }
        return Path.of(location).toAbsolutePath();
    }
}
