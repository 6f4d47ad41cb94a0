#!/usr/bin/env bash
# Peak heap of ./relay for large mail: one 50 MB DayOne message (rewritten and signed), then 10
# concurrent 20 MB DayOne messages, relayed to a discarding SMTP sink on loopback. Reads the GC
# log (-Xlog:gc) for the heap in use before each collection and after it, and prints the peaks.
# Not a test: run it by hand from the project root (after a build) on a quiet machine.
#   bench/scripts/heap-peak.sh [XMX]      (default XMX 2g, as the bench runs ./relay)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
XMX=${1:-2g}
RUN=$(mktemp -d /tmp/t2t-heap.XXXXXX)
SMTP_PORT=${SMTP_PORT:-2625}
SINK_PORT=${SINK_PORT:-2626}

python3 - "$SINK_PORT" >"$RUN/sink.log" 2>&1 <<'PY' &
import socket, sys, threading
def serve(conn):
    f = conn.makefile('rb'); w = conn.makefile('wb')
    def say(line): w.write(line + b'\r\n'); w.flush()
    say(b'220 sink')
    while True:
        line = f.readline()
        if not line: return
        cmd = line[:4].upper()
        if cmd == b'DATA':
            say(b'354 go')
            while f.readline() not in (b'.\r\n', b''): pass
            say(b'250 ok')
        elif cmd == b'QUIT': say(b'221 bye'); return
        elif cmd in (b'EHLO', b'HELO'): say(b'250-sink'); say(b'250 8BITMIME')
        else: say(b'250 ok')
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(50)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
SINK=$!
JAVA_OPTS="-Xmx$XMX -Xlog:gc:file=$RUN/gc.log:utctime" ./relay --smtp-port "$SMTP_PORT" --gateway "127.0.0.1:$SINK_PORT" \
    --work-dir "$RUN/work" >"$RUN/relay.log" 2>&1 &
RELAY=$!
trap 'kill $RELAY 2>/dev/null; wait $RELAY 2>/dev/null; kill $SINK 2>/dev/null' EXIT
for _ in $(seq 240); do (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && break; sleep 0.5; done

python3 - "$SMTP_PORT" "$RUN/relay.log" >"$RUN/phases.txt" <<'PY'
import smtplib, sys, threading, time, re, datetime
port, log = int(sys.argv[1]), sys.argv[2]
def mark(): print(datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f'), flush=True)
def message(n, mb):
    line = b'x' * 76 + b'\r\n'
    body = line * (mb * 1024 * 1024 // len(line))
    return (b'From: Alice Smith <alice@source.example>\r\nTo: ext@external.example\r\n'
            b'Subject: big ' + str(n).encode() + b'\r\nMessage-ID: <big' + str(n).encode() + b'@client.example>\r\n'
            b'MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n' + body)
def send(n, mb):
    with smtplib.SMTP('127.0.0.1', port, timeout=600) as smtp:
        smtp.sendmail('alice@source.example', ['ext@external.example'], message(n, mb))
def delivered(count):
    deadline = time.time() + 600
    while time.time() < deadline:
        if len(re.findall(r'rule=dkim signed', open(log, errors='replace').read())) >= count: return
        time.sleep(1)
    raise SystemExit('not all mail was signed; see ' + log)
mark(); send(0, 50); delivered(1); time.sleep(5); mark()
threads = [threading.Thread(target=send, args=(n, 20)) for n in range(1, 11)]
[t.start() for t in threads]; [t.join() for t in threads]
delivered(11); time.sleep(5); mark()
PY
python3 - "$RUN/gc.log" "$RUN/phases.txt" "$XMX" <<'PY'
import re, sys
start, middle, end = [line.strip() for line in open(sys.argv[2])]
phases = {'one 50 MB mail': (start, middle), '10 x 20 MB at once': (middle, end)}
for name, (t0, t1) in phases.items():
    before = after = 0
    for line in open(sys.argv[1]):
        # Young and full collections only: remark and cleanup pauses free nothing.
        m = re.search(r'^\[(\S+?)\+0000\].*?Pause (?:Young|Full).*?(\d+)M->(\d+)M\((\d+)M\)', line)
        if m and t0 <= m.group(1) <= t1:
            before = max(before, int(m.group(2))); after = max(after, int(m.group(3)))
    print(f"-Xmx{sys.argv[3]} {name}: peak heap in use {before} MB (before a collection), "
          f"peak live {after} MB (after a collection)")
print("gc log:", sys.argv[1])
PY
