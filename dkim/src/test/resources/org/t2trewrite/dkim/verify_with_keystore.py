"""Verifies every DKIM-Signature of the message on stdin with python3-dkim (dkimpy), the
independent verifier of our tests. Keys come from a key-store file (argv[1]) with one
"<selector>._domainkey.<domain> <TXT record>" line per key, never from DNS.

Prints one line per signature ("d=... s=... a=... pass|fail") and exits 0 only if there is at
least one signature and every one passes."""
import sys

import dkim


def main():
    records = {}
    with open(sys.argv[1], 'rb') as store:
        for line in store:
            line = line.rstrip(b'\r\n')
            if line:
                name, record = line.split(b' ', 1)
                records[name.lower()] = record

    def dnsfunc(name, timeout=5):
        if isinstance(name, str):
            name = name.encode('ascii')
        return records.get(name.rstrip(b'.').lower())

    message = sys.stdin.buffer.read()
    verifier = dkim.DKIM(message)
    count = len([1 for name, _ in verifier.headers if name.lower() == b'dkim-signature'])
    passed = 0
    for index in range(count):
        try:
            ok = verifier.verify(idx=index, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            ok = False
            print('error: %s' % e)
        fields = verifier.signature_fields
        print('d=%s s=%s a=%s %s' % (fields.get(b'd', b'?').decode(), fields.get(b's', b'?').decode(),
                                     fields.get(b'a', b'?').decode(), 'pass' if ok else 'fail'))
        passed += 1 if ok else 0
    sys.exit(0 if count > 0 and passed == count else 1)


main()
