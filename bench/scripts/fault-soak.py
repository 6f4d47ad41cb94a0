#!/usr/bin/python3 -I
"""Fault soak of ./relay (issue 13): N messages through the relay while faults are injected, then a
count of what became of every message. Not a test (not part of mvn verify): run it by hand from the
project root on a quiet machine. Uses the standard library and python3-dkim only.

    bench/scripts/fault-soak.py [--messages N] [--clients C] [--run-dir DIR] [--keep-mail]

What it does, all on 127.0.0.1 with free ports:
  * a loopback SMTP sink of its own (this file, run with --sink) that stores every delivered
    message with its envelope and can be told to refuse (451 at RCPT TO or after DATA) or to go
    down (listener closed, open sessions cut) and come back;
  * ./relay --gateway SINK with a fresh work dir, a copy of james-conf/directory.json and a key
    folder of its own (RSA-2048 keys, selector soak1, for both tenant domains), delivery retries
    every 5 s (--property t2t.delivery.delays);
  * C concurrent SMTP clients send N messages, each with a unique X-Soak-Id and Message-ID: DayOne
    (alice, bob, erin; some with bob in the envelope too), DayTwo (carol), replies from outsiders
    to members' old addresses, calendar invitations (a DayOne one, and a DayTwo one that the
    relay splits into an outsider copy and a source-mailbox coexistence copy), non-members (dave,
    outsiders), and large DayOne messages (2 to 5 MB, every 200th). A message not answered 250 is
    sent again a little later (4xx or a connection failure, as an MTA would) and each attempt is
    counted; a 5xx is final;
  * meanwhile, at points of the sending progress: the sink refuses, then goes down; the directory
    file is edited (bob DayOne -> DayTwo), broken (invalid JSON) and restored (the original); a
    DKIM key is rotated (soak2 keys added, soak1 removed); the relay is killed with kill -9 and
    restarted on the same work dir twice, the second time while the sink is down (mail waiting
    for a retry in the outgoing queue); the sink flaps (refuse, up, down, up);
  * then waits until every WebAdmin /mailQueues queue is empty (releasing delayed mail through
    WebAdmin when nothing moves), and reports: sent, SMTP attempts and their outcomes, accepted,
    delivered (ids whose every envelope recipient reached the sink), duplicated (an id delivered
    to the same recipient more than once: at-least-once after kill -9, counted, not a failure),
    kept (per WebAdmin mail repository, with the ids), lost = accepted - delivered - kept, and
    the DKIM check of every delivered copy of a DayOne/DayTwo member's message (python3-dkim,
    public keys of the key folder served by a dnsfunc callback, no DNS).

Exit status 0 only when nothing is lost, every member copy that should be signed verifies, no
non-member copy is signed and the queues drained; otherwise 1 (the report lists the ids), 2 for a
usage or start-up problem. Every process it starts (the sink, the relay) is stopped at the end,
on Ctrl-C and on failure too. Files: the run folder (default /tmp/t2t-soak.XXXX): report.txt,
sent.jsonl (every message and its attempts), faults.log, relay-N.log, sink/ (delivered mail,
deleted at the end unless --keep-mail, except the copies that failed a check).
"""
import argparse
import base64
import collections
import email.parser
import email.policy
import json
import os
import random
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOMAINS = ("source.example", "target.example")
MEMBERS = {"alice", "bob", "carol", "erin"}   # in DayOne or DayTwo all along (bob changes group)
T0 = time.time()


def log(*parts):
    print("[%7.1fs]" % (time.time() - T0), *parts, flush=True)


# ---------------------------------------------------------------------------------------- sink --

def run_sink(port, control, spool):
    """The SMTP sink: stores each message as spool/NNNNNN.eml and appends its envelope to
    spool/index.jsonl before answering 250. The control file says up, refuse or down."""
    os.makedirs(spool, exist_ok=True)
    index = open(os.path.join(spool, "index.jsonl"), "a", buffering=1)
    lock = threading.Lock()
    state = {"seq": 0, "transactions": 0}
    sessions = set()

    def mode():
        try:
            with open(control) as f:
                return f.read().strip() or "up"
        except OSError:
            return "up"

    def serve(conn):
        try:
            f = conn.makefile("rb")

            def say(line):
                conn.sendall(line + b"\r\n")
            say(b"220 soak-sink ESMTP")
            mail_from, rcpts = None, []
            while True:
                line = f.readline()
                if not line:
                    return
                cmd = line[:4].upper()
                if cmd in (b"EHLO", b"HELO"):
                    say(b"250-soak-sink")
                    say(b"250-8BITMIME")
                    say(b"250-SIZE 209715200")
                    say(b"250 PIPELINING")
                elif cmd == b"MAIL":
                    mail_from, rcpts = line[10:].strip().split(b" ")[0].strip(b"<>").decode(), []
                    say(b"250 2.1.0 ok")
                elif cmd == b"RCPT":
                    with lock:
                        state["transactions"] += 1
                        odd = state["transactions"] % 2
                    if mode() == "refuse" and odd:
                        say(b"451 4.3.2 soak sink refusing for a while")
                    else:
                        rcpts.append(line[8:].strip().split(b" ")[0].strip(b"<>").decode())
                        say(b"250 2.1.5 ok")
                elif cmd == b"DATA":
                    if not rcpts:
                        say(b"554 5.5.1 no valid recipients")
                        continue
                    say(b"354 go ahead")
                    chunks = []
                    while True:
                        data = f.readline()
                        if not data:
                            return
                        if data in (b".\r\n", b".\n"):
                            break
                        chunks.append(data[1:] if data.startswith(b"..") else data)
                    if mode() != "up":
                        say(b"451 4.3.2 soak sink refusing after DATA")
                        continue
                    raw = b"".join(chunks)
                    head = raw.split(b"\r\n\r\n", 1)[0]
                    m = re.search(rb"(?im)^X-Soak-Id:[ \t]*(\S+)", head)
                    # James's Received line names the SMTP session that took the mail in.
                    session = re.search(rb"(?i)\bwith \S+ ID (\S+)", head)
                    with lock:
                        state["seq"] += 1
                        seq = state["seq"]
                    name = "%06d.eml" % seq
                    with open(os.path.join(spool, name), "wb") as out:
                        out.write(raw)
                    with lock:
                        index.write(json.dumps({"seq": seq, "id": m.group(1).decode() if m else None,
                                                "session": session.group(1).decode().rstrip(";") if session else None,
                                                "from": mail_from, "rcpts": rcpts, "size": len(raw),
                                                "file": name, "t": time.time()}) + "\n")
                    say(b"250 2.0.0 stored " + name.encode())
                elif cmd == b"RSET":
                    mail_from, rcpts = None, []
                    say(b"250 ok")
                elif cmd == b"QUIT":
                    say(b"221 bye")
                    return
                else:
                    say(b"250 ok")
        except OSError:
            pass
        finally:
            with lock:
                sessions.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    listener = None
    while True:
        wanted = mode()
        if wanted == "down" and listener is not None:
            listener.close()
            listener = None
            with lock:
                for conn in list(sessions):
                    try:
                        conn.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
        elif wanted != "down" and listener is None:
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", port))
            listener.listen(64)
            listener.settimeout(0.2)
        if listener is None:
            time.sleep(0.2)
            continue
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        conn.settimeout(300)
        with lock:
            sessions.add(conn)
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


# ------------------------------------------------------------------------------------ messages --

def invitation(organizer, attendees, uid):
    lines = ["BEGIN:VCALENDAR", "PRODID:-//t2t soak//EN", "VERSION:2.0", "METHOD:REQUEST",
             "BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20261202T090000Z", "DTSTART:20261210T100000Z",
             "DTEND:20261210T110000Z", "SUMMARY:Soak planning",
             "ORGANIZER;CN=Organizer:mailto:" + organizer]
    lines += ["ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:" + a for a in attendees]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


def make_message(i, run, rng):
    """(kind, mail_from, rcpts, bytes) of message i; deterministic for a seed."""
    soak_id = "%s-%06d" % (run, i)
    ext = "ext%d@external%d.example" % (rng.randrange(50), rng.randrange(5))
    roll = rng.random()
    extra_headers, cc, body_type, body = "", None, "text/plain; charset=utf-8", None
    if i % 200 == 199:
        kind, sender = "large", rng.choice(["alice", "bob", "erin"]) + "@source.example"
        rcpts = [ext]
        size = rng.randrange(2, 6) * 1024 * 1024
        line = ("%s large line " % soak_id).ljust(76, "x") + "\r\n"
        body = line * (size // len(line))
    elif roll < 0.30:
        kind = "dayone"
        who = rng.choice(["alice", "bob", "erin"])
        sender = who + ("@source.example" if who != "erin" else "@target.example")
        rcpts = [ext]
        if who == "alice" and rng.random() < 0.3:
            rcpts.append("bob@source.example")
            cc = "bob@source.example"
    elif roll < 0.45:
        kind, sender, rcpts = "daytwo", "carol@target.example", [ext]
    elif roll < 0.65:
        kind = "reply"
        sender = ext
        rcpts = [rng.choice(["alice@target.example", "bob@target.example", "carol@source.example",
                             "erin@source.example"])]
        extra_headers = ("In-Reply-To: <orig-%d@source.example>\r\nReferences: <orig-%d@source.example>\r\n"
                         % (i, i))
    elif roll < 0.75:
        kind = "calendar"
        if rng.random() < 0.5:
            sender, rcpts = "alice@source.example", [ext]
        else:
            # DayTwo invitation to an outsider and a source mailbox: the relay splits it.
            sender, rcpts = "carol@target.example", [ext, "dave@source.example"]
        cal = invitation(sender, rcpts, soak_id + "@soak")
        boundary = "soak-" + soak_id
        body_type = 'multipart/alternative; boundary="%s"' % boundary
        body = ("--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSoak planning, see the invitation.\r\n"
                "--%s\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\r\n\r\n%s"
                "--%s--\r\n") % (boundary, boundary, cal, boundary)
    else:
        kind = "nonmember"
        sender = rng.choice(["dave@source.example", "someone@external9.example"])
        rcpts = [ext]
    if body is None:
        body = "".join("Soak message %s, line %d: the quick brown fox.\r\n" % (soak_id, n)
                       for n in range(rng.randrange(5, 60)))
    to = ", ".join(r for r in rcpts if r != cc)
    head = ("From: %s <%s>\r\nTo: %s\r\n%sSubject: soak %s %s\r\nDate: Wed, 02 Dec 2026 03:00:00 +0000\r\n"
            "Message-ID: <soak-%s@client.example>\r\nX-Soak-Id: %s\r\n%sMIME-Version: 1.0\r\n"
            "Content-Type: %s\r\n\r\n") % (
        sender.split("@")[0].title(), sender, to, ("Cc: %s\r\n" % cc) if cc else "", kind, soak_id,
        soak_id, soak_id, extra_headers, body_type)
    return kind, sender, rcpts, (head + body).encode()


# -------------------------------------------------------------------------------------- relay --

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class WebAdmin:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port

    def request(self, method, path, body=None, accept="application/json", timeout=30):
        req = urllib.request.Request(self.base + path, data=body, method=method, headers={"Accept": accept})
        if body is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()

    def json(self, path):
        return json.loads(self.request("GET", path)[1] or b"null")

    def queue_sizes(self):
        return {q: self.json("/mailQueues/" + q)["size"] for q in self.json("/mailQueues")}

    def flush_delayed(self, queue):
        self.request("PATCH", "/mailQueues/%s/mails?delayed=true" % queue, body=b'{"delayed": false}')


class Relay:
    def __init__(self, run_dir, args):
        self.run_dir, self.args = run_dir, args
        self.proc, self.starts = None, 0

    def start(self, timeout):
        self.starts += 1
        out = open(os.path.join(self.run_dir, "relay-%d.log" % self.starts), "wb")
        env = dict(os.environ, JAVA_OPTS=os.environ.get("JAVA_OPTS", "-Xmx1g"))
        # Own session: a Ctrl-C in the terminal reaches this script, which stops the relay itself.
        self.proc = subprocess.Popen([os.path.join(ROOT, "relay")] + self.args, cwd=ROOT, stdout=out,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)
        out.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("relay exited with %s at start %d: see %s/relay-%d.log"
                                 % (self.proc.returncode, self.starts, self.run_dir, self.starts))
            try:
                self.webadmin.json("/mailQueues")
                with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as s:
                    s.noop()
                log("relay start %d ready (pid %d)" % (self.starts, self.proc.pid))
                return
            except (OSError, smtplib.SMTPException, ValueError):
                time.sleep(0.5)
        raise SystemExit("relay not ready after %d s: see %s/relay-%d.log" % (timeout, self.run_dir, self.starts))

    def kill9(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        log("relay killed with SIGKILL (pid %d)" % self.proc.pid)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


# ------------------------------------------------------------------------------------ clients --

class Sender:
    """C client threads sending messages 0..N-1; a message is retried until answered 250 (4xx,
    connection failures) or refused with a 5xx; gives up after max_attempts."""

    def __init__(self, messages, port, clients, max_attempts):
        self.messages, self.port, self.max_attempts = messages, port, max_attempts
        self.next, self.lock = 0, threading.Lock()
        self.accepted = 0
        self.results = [None] * len(messages)
        self.threads = [threading.Thread(target=self.work, daemon=True) for _ in range(clients)]
        self.stop = threading.Event()

    def start(self):
        for t in self.threads:
            t.start()

    def done(self):
        return not any(t.is_alive() for t in self.threads)

    def progress(self):
        return self.accepted / len(self.messages)

    def work(self):
        smtp = None
        while not self.stop.is_set():
            with self.lock:
                i = self.next
                self.next += 1
            if i >= len(self.messages):
                break
            kind, sender, rcpts, raw = self.messages[i]
            attempts = []
            while not self.stop.is_set():
                outcome = None
                try:
                    if smtp is None:
                        smtp = smtplib.SMTP("127.0.0.1", self.port, timeout=180)
                        smtp.ehlo("soak-client")
                    refused = smtp.sendmail(sender, rcpts, raw)
                    outcome = "accepted" if not refused else "refused-4xx"
                except smtplib.SMTPRecipientsRefused as e:
                    codes = [c for c, _ in e.recipients.values()]
                    outcome = "refused-5xx" if all(c >= 500 for c in codes) else "refused-4xx"
                except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError, smtplib.SMTPHeloError) as e:
                    outcome = "refused-5xx" if e.smtp_code >= 500 else "refused-4xx"
                except (OSError, smtplib.SMTPException):
                    outcome = "connection-failed"
                if outcome != "accepted" and smtp is not None:
                    try:
                        smtp.close()
                    except OSError:
                        pass
                    smtp = None
                attempts.append([round(time.time() - T0, 1), outcome])
                if outcome in ("accepted", "refused-5xx") or len(attempts) >= self.max_attempts:
                    break
                time.sleep(min(1 + len(attempts), 10))
            self.results[i] = attempts
            if attempts and attempts[-1][1] == "accepted":
                with self.lock:
                    self.accepted += 1
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass


# ------------------------------------------------------------------------------------- faults --

class Faults:
    def __init__(self, run_dir, relay, sender, control, directory, keys, staged):
        self.run_dir, self.relay, self.sender = run_dir, relay, sender
        self.control, self.directory, self.keys, self.staged = control, directory, keys, staged
        self.original = open(directory, "rb").read()
        self.events = []

    def queues(self):
        try:
            return " (queues %s)" % {q: n for q, n in self.relay.webadmin.queue_sizes().items() if n}
        except (OSError, ValueError, KeyError):
            return ""

    def note(self, what):
        self.events.append((round(time.time() - T0, 1), round(self.sender.progress() * 100, 1), what))
        with open(os.path.join(self.run_dir, "faults.log"), "a") as f:
            f.write("%7.1fs %5.1f%% %s\n" % self.events[-1])
        log("fault:", what)

    def sink(self, mode):
        tmp = self.control + ".tmp"
        with open(tmp, "w") as f:
            f.write(mode)
        os.replace(tmp, self.control)
        self.note("sink " + mode)

    def write_directory(self, data, what):
        tmp = self.directory + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, self.directory)
        self.note(what)

    def at(self, fraction):
        while self.sender.progress() < fraction and not self.sender.done():
            time.sleep(0.2)

    def run(self):
        self.at(0.05)
        self.sink("refuse")
        time.sleep(20)
        self.sink("up")
        self.at(0.12)
        self.sink("down")
        time.sleep(20)
        self.sink("up")
        self.at(0.20)
        edited = json.loads(self.original)
        for person in edited["people"]:
            if person["source"] == "bob@source.example":
                person["groups"] = ["DayTwo"]
        self.write_directory(json.dumps(edited, indent=2).encode(), "directory edited: bob DayOne -> DayTwo")
        self.at(0.30)
        queues = self.queues()
        self.relay.kill9()
        self.note("relay kill -9 #1 while mail flows" + queues)
        self.relay.start(600)
        self.note("relay restarted #1")
        self.at(0.38)
        self.write_directory(self.original[: len(self.original) // 2] + b"\n  BROKEN",
                             "directory broken (invalid JSON, half the file)")
        time.sleep(20)
        self.write_directory(self.original, "directory restored (the original: bob back in DayOne)")
        self.at(0.48)
        for name in sorted(os.listdir(self.staged)):
            tmp = os.path.join(self.keys, "." + name + ".tmp")
            shutil.copy(os.path.join(self.staged, name), tmp)
            os.replace(tmp, os.path.join(self.keys, name))
        self.note("DKIM rotation: soak2 keys added (both selectors sign)")
        time.sleep(20)
        for name in sorted(os.listdir(self.keys)):
            if name.startswith("soak1."):
                os.remove(os.path.join(self.keys, name))
        self.note("DKIM rotation: soak1 keys removed")
        self.at(0.62)
        self.sink("down")
        time.sleep(10)
        queues = self.queues()
        self.relay.kill9()
        self.note("relay kill -9 #2 while the sink is down" + queues)
        self.relay.start(600)
        self.note("relay restarted #2")
        time.sleep(10)
        self.sink("up")
        self.at(0.80)
        self.sink("refuse")
        time.sleep(10)
        self.sink("up")
        time.sleep(5)
        self.sink("down")
        time.sleep(10)
        self.sink("up")
        self.note("fault schedule done")


# ----------------------------------------------------------------------------------- analysis --

def keygen(folder, selector):
    os.makedirs(folder, exist_ok=True)
    public = {}
    for domain in DOMAINS:
        pem = os.path.join(folder, "%s._domainkey.%s.pem" % (selector, domain))
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                        "-out", pem], check=True, stderr=subprocess.DEVNULL)
        der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER"], check=True,
                             capture_output=True).stdout
        public["%s._domainkey.%s" % (selector, domain)] = b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)
    return public


def check_dkim(path, records):
    """(signatures of ours, verified, whether every signature of ours is for the From domain)."""
    import dkim
    raw = open(path, "rb").read()
    head = raw.split(b"\r\n\r\n", 1)[0]
    sigs = [s for s in re.findall(rb"(?ims)^DKIM-Signature:.*?(?=^\S|\Z)", head + b"\r\n")]
    ours_d = [m.group(1).lower() for m in (re.search(rb"\bd=((?:source|target)\.example)\b", s) for s in sigs) if m]
    ours = len(ours_d)
    sender = re.search(rb"(?im)^From:[^\r\n]*@([A-Za-z0-9.-]+)", head)
    aligned = bool(sender) and all(d == sender.group(1).lower() for d in ours_d)
    if not sigs:
        return 0, 0, aligned

    def dnsfunc(name, timeout=5):
        return records.get(name.decode().rstrip(".").lower())
    d = dkim.DKIM(raw)
    good = 0
    for idx in range(len(sigs)):
        try:
            good += bool(d.verify(idx=idx, dnsfunc=dnsfunc))
        except Exception:
            pass
    return ours, good, aligned


def main():
    ap = argparse.ArgumentParser(description="Fault soak of ./relay (see the file's docstring).")
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--run-dir")
    ap.add_argument("--keep-mail", action="store_true", help="keep every delivered copy in RUN/sink")
    ap.add_argument("--drain-timeout", type=int, default=1200, help="seconds to wait for empty queues")
    ap.add_argument("--sink", nargs=3, metavar=("PORT", "CONTROL", "SPOOL"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.sink:
        run_sink(int(args.sink[0]), args.sink[1], args.sink[2])
        return 0
    try:
        import dkim  # noqa: F401
    except ImportError:
        print("fault-soak: python3-dkim is needed (apt-get install python3-dkim)", file=sys.stderr)
        return 2
    if args.messages < 20 or args.clients < 1:
        print("fault-soak: --messages >= 20 and --clients >= 1", file=sys.stderr)
        return 2

    run_dir = os.path.abspath(args.run_dir or tempfile.mkdtemp(prefix="t2t-soak."))
    os.makedirs(run_dir, exist_ok=True)
    command = " ".join(["bench/scripts/fault-soak.py"] + sys.argv[1:])
    log("run folder", run_dir)
    procs = []

    def terminate(signum, frame):
        raise SystemExit("fault-soak: stopped by signal %d" % signum)
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)

    relay = None
    try:
        directory = os.path.join(run_dir, "directory.json")
        shutil.copy(os.path.join(ROOT, "james-conf", "directory.json"), directory)
        keys, staged = os.path.join(run_dir, "dkim"), os.path.join(run_dir, "dkim-next")
        records = keygen(keys, "soak1")
        records.update(keygen(staged, "soak2"))
        os.chmod(keys, 0o700)

        sink_port, smtp_port, webadmin_port = free_port(), free_port(), free_port()
        control, spool = os.path.join(run_dir, "sink.mode"), os.path.join(run_dir, "sink")
        with open(control, "w") as f:
            f.write("up")
        sink_log = open(os.path.join(run_dir, "sink.log"), "wb")
        sink = subprocess.Popen([sys.executable, "-I", os.path.abspath(__file__), "--sink", str(sink_port),
                                 control, spool], stdout=sink_log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        procs.append(sink)

        relay = Relay(run_dir, ["--smtp-port", str(smtp_port), "--webadmin-port", str(webadmin_port),
                                "--gateway", "127.0.0.1:%d" % sink_port, "--directory", directory,
                                "--dkim-keys", keys, "--work-dir", os.path.join(run_dir, "work"),
                                "--property", "t2t.delivery.delays=500*5 seconds",
                                "--property", "t2t.delivery.maxRetries=500"])
        relay.smtp_port, relay.webadmin = smtp_port, WebAdmin(webadmin_port)
        log("starting the relay (SMTP %d, WebAdmin %d, sink %d); the first start builds if needed"
            % (smtp_port, webadmin_port, sink_port))
        relay.start(1800)

        rng = random.Random(args.seed)
        run = "s%d" % int(time.time())
        messages = [make_message(i, run, rng) for i in range(args.messages)]
        sender = Sender(messages, smtp_port, args.clients, max_attempts=200)
        faults = Faults(run_dir, relay, sender, control, directory, keys, staged)
        t_send = time.time()
        log("sending %d messages from %d clients" % (len(messages), args.clients))
        sender.start()
        fault_error = []

        def run_faults():
            try:
                faults.run()
            except BaseException as e:  # reported below, the soak then fails
                fault_error.append(repr(e))
                faults.note("fault schedule FAILED: %r" % e)
        fault_thread = threading.Thread(target=run_faults, daemon=True)
        fault_thread.start()
        last = 0
        while not sender.done() or fault_thread.is_alive():
            time.sleep(1)
            if fault_error:
                sender.stop.set()
                raise SystemExit("fault-soak: the fault schedule failed: %s (see %s)" % (fault_error[0], run_dir))
            if time.time() - last >= 30:
                last = time.time()
                log("progress: %d/%d accepted" % (sender.accepted, len(messages)))
        send_seconds = time.time() - t_send
        log("sending done in %.0f s; waiting for the queues to drain" % send_seconds)

        # Drain: every queue empty, and the sink quiet.
        drained, t_drain, last_change, last_state, empty_polls = False, time.time(), time.time(), None, 0
        while time.time() - t_drain < args.drain_timeout:
            try:
                sizes = relay.webadmin.queue_sizes()
            except (OSError, ValueError, KeyError) as e:
                log("WebAdmin: %r" % e)
                time.sleep(2)
                continue
            delivered_now = sum(1 for _ in open(os.path.join(spool, "index.jsonl")))
            state = (tuple(sorted(sizes.items())), delivered_now)
            if state != last_state:
                last_state, last_change = state, time.time()
            if sum(sizes.values()) == 0:
                empty_polls += 1
                if empty_polls >= 5:
                    drained = True
                    break
            else:
                empty_polls = 0
                if time.time() - last_change > 15:
                    for q, n in sizes.items():
                        if n:
                            relay.webadmin.flush_delayed(q)
                    log("queues %s did not move for 15 s: released delayed mail" % sizes)
                    last_change = time.time()
            time.sleep(2)
        drain_seconds = time.time() - t_drain
        final_sizes = relay.webadmin.queue_sizes()
        stuck = []   # what is still queued: WebAdmin lists envelopes, not headers
        for q, n in final_sizes.items():
            if n:
                try:
                    stuck += ["%s: %s from %s to %s, next delivery %s" % (q, m.get("name"), m.get("sender"),
                              m.get("recipients"), m.get("nextDelivery")) for m in relay.webadmin.json("/mailQueues/%s/mails" % q)]
                except (OSError, ValueError) as e:
                    stuck.append("%s: cannot list (%r)" % (q, e))

        # Kept mail, per repository.
        kept = collections.defaultdict(list)   # repository -> [(id, rcpts, error)]
        kept_rcpts = collections.Counter()
        for repo in relay.webadmin.json("/mailRepositories"):
            path = urllib.parse.quote(repo["repository"], safe="")
            for key in relay.webadmin.json("/mailRepositories/%s/mails" % path):
                kpath = "/mailRepositories/%s/mails/%s" % (path, urllib.parse.quote(key, safe=""))
                detail = relay.webadmin.json(kpath)
                eml = relay.webadmin.request("GET", kpath, accept="message/rfc822")[1]
                m = re.search(rb"(?im)^X-Soak-Id:[ \t]*(\S+)", eml.split(b"\r\n\r\n", 1)[0])
                soak_id = m.group(1).decode() if m else None
                kept[repo["repository"]].append((soak_id, detail.get("recipients"), detail.get("error")))
                if soak_id:
                    kept_rcpts[soak_id] += len(detail.get("recipients") or [1])
        relay.stop()
        error_lines = collections.Counter()
        for f in sorted(os.listdir(run_dir)):
            if f.startswith("relay-"):
                for line in open(os.path.join(run_dir, f), errors="replace"):
                    if " ERROR " in line:
                        error_lines["%s: %s" % (f, line.split(" ERROR ", 1)[1].strip()[:200])] += 1
        os.killpg(sink.pid, signal.SIGTERM)
        sink.wait(30)

        # What the sink got.
        ids = {"%s-%06d" % (run, i): i for i in range(len(messages))}
        copies = [json.loads(line) for line in open(os.path.join(spool, "index.jsonl"))]
        per_rcpt = collections.Counter()
        unknown = [c for c in copies if c["id"] not in ids]
        for c in copies:
            if c["id"] in ids:
                for r in c["rcpts"]:
                    per_rcpt[(c["id"], r.lower())] += 1
        got_rcpts = collections.Counter(sid for (sid, _r) in per_rcpt)
        duplicated = sorted({sid for (sid, _r), n in per_rcpt.items() if n > 1})
        explained = collections.Counter()
        why_dup = {}
        kills = [(t, what) for t, _p, what in faults.events if "kill -9" in what]
        for sid in duplicated:
            twice = {r for (i, r), n in per_rcpt.items() if i == sid and n > 1}
            times = sorted(((c["t"] - T0, c.get("session")) for c in copies
                            if c["id"] == sid and twice & {r.lower() for r in c["rcpts"]}), key=lambda x: x[0])
            tries = sender.results[ids[sid]]
            if len({session for _t, session in times}) > 1 and len(tries) > 1:
                why = "the client sent it again after its session was cut (%s); the relay had taken the first" % tries[0][1]
            else:
                taken = tries[-1][0]
                between = [w.split(" while")[0] for t, w in kills if times[0][0] < t < times[-1][0]]
                before = [w.split(" while")[0] for t, w in kills if taken < t < times[0][0]]
                if between:
                    why = "delivered, then again after %s (the same relay session: a queue redelivery)" % between[0]
                elif before:
                    why = ("accepted before %s, both copies delivered after it (the same relay session: "
                           "queued twice across the kill)" % before[-1])
                else:
                    why = "the same relay session delivered twice, no kill -9 in between"
            explained[why] += 1
            why_dup[sid] = "to %s at %s s" % (" ".join(sorted(twice)), ", ".join("%.1f" % t for t, _s in times))

        accepted = [i for i, a in enumerate(sender.results) if a and a[-1][1] == "accepted"]
        final_5xx = [i for i, a in enumerate(sender.results) if a and a[-1][1] == "refused-5xx"]
        gave_up = [i for i, a in enumerate(sender.results) if not a or a[-1][1] not in ("accepted", "refused-5xx")]
        attempts = collections.Counter(o for a in sender.results if a for _t, o in a)
        retried = sum(1 for a in sender.results if a and len(a) > 1)
        delivered, kept_ids, lost = [], [], []
        for i in accepted:
            sid = "%s-%06d" % (run, i)
            expected = len(messages[i][2])
            if got_rcpts[sid] >= expected:
                delivered.append(sid)
            elif kept_rcpts[sid] and got_rcpts[sid] + kept_rcpts[sid] >= expected:
                kept_ids.append(sid)
            else:
                lost.append("%s (%s, %d of %d recipients delivered, %d kept)"
                            % (sid, messages[i][0], got_rcpts[sid], expected, kept_rcpts[sid]))
        not_accepted_but_delivered = sorted("%s-%06d" % (run, i) for i in final_5xx + gave_up
                                            if got_rcpts["%s-%06d" % (run, i)])

        # DKIM: every copy of a member's message, except the coexistence copy (a DayTwo member's
        # mail to source mailboxes keeps the real address and is not rewritten, so not signed).
        log("checking the DKIM signatures of %d delivered copies" % len(copies))
        dk = collections.Counter()
        bad = []
        for c in copies:
            if c["id"] not in ids:
                continue
            i = ids[c["id"]]
            kind, sender_addr = messages[i][0], messages[i][1]
            member = sender_addr.split("@")[0] in MEMBERS
            coexistence = sender_addr == "carol@target.example" and all(
                r.lower().endswith("@source.example") for r in c["rcpts"])
            ours, good, aligned = check_dkim(os.path.join(spool, c["file"]), records)
            if member and not coexistence:
                dk["member copies"] += 1
                if ours == 0:
                    dk["member copies unsigned"] += 1
                    bad.append((c, "unsigned"))
                elif good < ours:
                    dk["member copies failing verification"] += 1
                    bad.append((c, "signature does not verify"))
                elif not aligned:
                    dk["member copies signed for another domain than From's"] += 1
                    bad.append((c, "d= is not the From domain"))
                else:
                    dk["member copies verified"] += 1
                    dk["signatures verified"] += good
            elif coexistence:
                dk["coexistence copies (unsigned by design)"] += 1
                if ours:
                    dk["coexistence copies signed (unexpected)"] += 1
                    bad.append((c, "coexistence copy signed"))
            else:
                dk["non-member copies"] += 1
                if ours:
                    dk["non-member copies signed (unexpected)"] += 1
                    bad.append((c, "non-member copy signed"))
        failed_dir = os.path.join(run_dir, "failed-checks")
        if bad:
            os.makedirs(failed_dir, exist_ok=True)
            for c, why in bad:
                shutil.copy(os.path.join(spool, c["file"]), os.path.join(failed_dir, c["file"]))
        shutil.copy(os.path.join(spool, "index.jsonl"), os.path.join(run_dir, "delivered.jsonl"))
        if not args.keep_mail:
            shutil.rmtree(spool, ignore_errors=True)

        kinds = collections.Counter(m[0] for m in messages)
        big = [len(m[3]) for m in messages if m[0] == "large"]
        with open(os.path.join(run_dir, "sent.jsonl"), "w") as f:
            for i, m in enumerate(messages):
                f.write(json.dumps({"id": "%s-%06d" % (run, i), "kind": m[0], "from": m[1], "rcpts": m[2],
                                    "size": len(m[3]), "attempts": sender.results[i]}) + "\n")
        total = time.time() - T0
        r = []
        r.append("fault soak of ./relay: %s" % command)
        r.append("machine: %s, %d cores, %s; started %s UTC, took %.0f s (sending and faults %.0f s, drain %.0f s)"
                 % (socket.gethostname(), os.cpu_count(), platform_java(),
                    time.strftime("%Y-%m-%d %H:%M", time.gmtime(T0)), total, send_seconds, drain_seconds))
        r.append("sent: %d messages (%s); %d large of %.1f to %.1f MB; %d clients"
                 % (len(messages), ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
                    len(big), min(big or [0]) / 2**20, max(big or [0]) / 2**20, args.clients))
        r.append("SMTP attempts: %d (%s); messages that needed more than one attempt: %d"
                 % (sum(attempts.values()), ", ".join("%s %d" % kv for kv in sorted(attempts.items())), retried))
        r.append("accepted: %d; refused for good (5xx): %d; given up: %d" % (len(accepted), len(final_5xx), len(gave_up)))
        r.append("delivered: %d ids (every recipient at the sink), %d copies; duplicated: %d ids%s%s"
                 % (len(delivered), len(copies) - len(unknown), len(duplicated),
                    "".join("\n  %dx %s" % (n, why) for why, n in sorted(explained.items())),
                    "".join("\n    %s %s" % kv for kv in sorted(why_dup.items()))))
        r.append("kept: %d ids%s" % (len(kept_ids), "".join(
            "\n  %s: %d mails: %s" % (repo, len(v), "; ".join("%s %s %s" % (sid, rc, (err or "")[:120]) for sid, rc, err in v))
            for repo, v in sorted(kept.items()))))
        r.append("lost = accepted - delivered - kept = %d - %d - %d = %d%s"
                 % (len(accepted), len(delivered), len(kept_ids), len(lost),
                    "".join("\n  lost: " + x for x in lost)))
        if not_accepted_but_delivered:
            r.append("delivered although never answered 250: " + " ".join(not_accepted_but_delivered))
        if unknown:
            r.append("copies at the sink without a soak id of this run (bounces?): %d" % len(unknown))
        r.append("DKIM (python3-dkim, keys of the key folder, no DNS): " + ", ".join(
            "%s %d" % kv for kv in sorted(dk.items())))
        for c, why in bad[:50]:
            r.append("  DKIM check failed: %s %s from %s to %s (%s)" % (c["id"], why, c["from"], c["rcpts"], c["file"]))
        r.append("queues at the end: %s (%s)%s" % (final_sizes, "drained" if drained else "NOT DRAINED after %d s" % args.drain_timeout,
                                                   "".join("\n  still queued: " + x for x in stuck)))
        r.append("relay: %d starts, %d ERROR lines in its logs%s" % (relay.starts, sum(error_lines.values()), "".join(
            "\n  %dx %s" % (n, line) for line, n in sorted(error_lines.items()))))
        r.append("faults (time since start, % of messages accepted, what):")
        r += ["  %7.1fs %5.1f%% %s" % e for e in faults.events]
        if fault_error:
            r.append("fault schedule failed: " + "; ".join(fault_error))
        r.append("run folder: %s" % run_dir)
        ok = not lost and not bad and drained and not fault_error and not gave_up
        r.append("RESULT: %s" % ("PASS (lost 0)" if ok else "FAIL"))
        report = "\n".join(r)
        with open(os.path.join(run_dir, "report.txt"), "w") as f:
            f.write(report + "\n")
        print(report, flush=True)
        return 0 if ok else 1
    finally:
        if relay is not None:
            relay.stop()
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)


def platform_java():
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
        return out.strip()
    except (OSError, IndexError):
        return "java ?"


if __name__ == "__main__":
    sys.exit(main())
