package org.t2trewrite.mailets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes one {@code .eml} file per recipient into a folder, with the bytes an SMTP client would
 * send for this message, and a {@code .json} envelope next to it; then ends the mail's processing
 * ({@link Mail#GHOST}). For demos and tests ({@code ./relay} capture mode), and to keep mail the
 * relay could not process durably (the memory server's repositories do not survive a restart).
 *
 * <pre>{@code
 * <mailet match="All" class="org.t2trewrite.mailets.CaptureToFolder">
 *     <folder>/var/t2t/capture</folder>
 * </mailet>
 * }</pre>
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code folder} — required — the folder to write into; created at start-up if missing.
 *       A relative path is relative to the directory the JVM was started in.</li>
 * </ul>
 *
 * <p>Files, for a mail named {@code M} with recipients r1..rn, all written at the same instant:
 * {@code <UTC yyyyMMdd'T'HHmmss.SSS'Z'>-<M>-<i>.eml} (i = 1..n, characters other than
 * {@code [A-Za-z0-9._-]} in M become {@code _}) and the same name with {@code .json}:
 * {@code {"mail_from": "s@x" or "" for the null sender, "rcpts": ["ri"], "mail": "M"}}. Names sort
 * by time. Each file is written under a temporary name and renamed, so a reader never sees a
 * partial file; the {@code .json} is in place before its {@code .eml}. A mail without recipients
 * is still written once (index 0, empty {@code rcpts}): keeping it beats losing it.
 *
 * <p>The {@code .eml} holds {@code MimeMessage.writeTo} without {@code Bcc} and
 * {@code Content-Length}, exactly as James's SMTP client ({@code RemoteDelivery}) would send it;
 * no {@code Return-Path} or other line is added (the envelope is in the {@code .json}).
 *
 * <p>On failure: a folder that cannot be created or written stops James at start-up; a write that
 * fails later throws {@link MessagingException} and James sends the mail to its error processor.
 * Running twice on the same mail at the same instant overwrites the same files.
 *
 * <p>Limitations: writes every recipient's copy in full (no deduplication); no clean-up of old
 * files; the whole message is held in memory while written.
 */
public class CaptureToFolder extends GenericMailet {
    static final String FOLDER = "folder";

    private static final Logger LOGGER = LoggerFactory.getLogger(CaptureToFolder.class);
    // What com.sun.mail.smtp.SMTPTransport leaves out when it sends a message.
    private static final String[] NOT_SENT = {"Bcc", "Content-Length"};
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
        .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private Path folder;

    public CaptureToFolder() {
        this(Clock.systemUTC());
    }

    CaptureToFolder(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(FOLDER));
        folder = parseFolder(getInitParameter(FOLDER));
    }

    private static Path parseFolder(String value) throws MessagingException {
        if (value == null || value.isBlank()) {
            throw new MessagingException("CaptureToFolder: parameter '" + FOLDER + "' is required");
        }
        Path path;
        try {
            path = Paths.get(value.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new MessagingException("CaptureToFolder: parameter '" + FOLDER + "' is not a path: '" + value + "'", e);
        }
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new MessagingException("CaptureToFolder: parameter '" + FOLDER + "': cannot create folder '" + path + "': " + e, e);
        }
        if (!Files.isWritable(path)) {
            throw new MessagingException("CaptureToFolder: parameter '" + FOLDER + "': folder '" + path + "' is not writable");
        }
        return path;
    }

    Path folder() {
        return folder;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        byte[] message = bytesAsSent(mail.getMessage());
        String sender = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("");
        List<String> recipients = mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.toList());
        String base = STAMP.format(clock.instant()) + "-" + safeFileName(mail.getName());

        List<String> written = new ArrayList<>();
        if (recipients.isEmpty()) {
            written.add(writeCopy(base + "-0", mail.getName(), sender, List.of(), message));
        }
        for (int i = 0; i < recipients.size(); i++) {
            written.add(writeCopy(base + "-" + (i + 1), mail.getName(), sender, List.of(recipients.get(i)), message));
        }
        LOGGER.info("mail {} written to {}: mail_from=<{}> rcpts={} files={}", mail.getName(), folder, sender,
            recipients, written);
        mail.setState(Mail.GHOST);
    }

    private static byte[] bytesAsSent(MimeMessage message) throws MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            message.writeTo(out, NOT_SENT);
        } catch (IOException e) {
            throw new MessagingException("CaptureToFolder: cannot read the message", e);
        }
        return out.toByteArray();
    }

    private String writeCopy(String name, String mailName, String sender, Collection<String> rcpts, byte[] message)
        throws MessagingException {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("mail_from", sender);
        envelope.put("rcpts", rcpts);
        envelope.put("mail", mailName);
        try {
            writeAtomically(folder.resolve(name + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(envelope));
            writeAtomically(folder.resolve(name + ".eml"), message);
        } catch (JsonProcessingException e) {
            throw new MessagingException("CaptureToFolder: cannot write the envelope of " + mailName, e);
        } catch (IOException e) {
            throw new MessagingException("CaptureToFolder: cannot write " + name + " into " + folder + ": " + e, e);
        }
        return name + ".eml";
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        // A dot-file in the same folder: same file system, so the rename is atomic, and readers
        // that list *.eml / *.json never see it.
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(tmp, content);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    static String safeFileName(String mailName) {
        String name = Optional.ofNullable(mailName).orElse("mail");
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    @Override
    public String getMailetInfo() {
        return "CaptureToFolder";
    }
}
