"""DKIM and ARC with python3-dkim (dkimpy), the independent implementation our tests compare with.
Keys come from a key-store file (argv[2]) with one "<selector>._domainkey.<domain> <TXT record>"
line per key, never from DNS.

  dkim-all STORE         < message: prints "d=... s=... a=... pass|fail" for each DKIM-Signature
                         (and "error: ..." for one dkimpy cannot check), exits 0 only if there is at
                         least one and every one passes
  verify STORE           < message: prints "cv=<pass|fail|none>" and dkimpy's reason, exits 0 on pass
  sign STORE SEL DOMAIN KEY.pem AUTHSERV-ID < message: prints the message with dkimpy's ARC set on top
  dkim STORE             < message: prints "d=... pass|fail" for each DKIM-Signature
  dkimsign STORE SEL DOMAIN KEY.pem < message: prints the message with dkimpy's DKIM-Signature on top
                         (relaxed/relaxed, covering From, To, Cc, Subject, Date, Message-ID)"""
import sys

import dkim


def main():
    mode, store_path = sys.argv[1], sys.argv[2]
    records = {}
    with open(store_path, 'rb') as store:
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
    if mode == 'verify':
        cv, results, comment = dkim.arc_verify(message, dnsfunc=dnsfunc)
        print('cv=%s %s' % (cv.decode(), comment))
        for result in results:
            print('instance=%s ams=%s as=%s' % (result.get('instance'), result.get('ams-valid'), result.get('as-valid')))
        sys.exit(0 if cv == b'pass' else 1)
    if mode == 'sign':
        selector, domain, key_file, authserv = sys.argv[3:7]
        with open(key_file, 'rb') as key:
            private_key = key.read()
        fields = dkim.arc_sign(message, selector.encode(), domain.encode(), private_key,
                               authserv.encode())
        sys.stdout.buffer.write(b''.join(fields) + message)
        sys.exit(0)
    if mode == 'dkimsign':
        selector, domain, key_file = sys.argv[3:6]
        with open(key_file, 'rb') as key:
            private_key = key.read()
        signature = dkim.sign(message, selector.encode(), domain.encode(), private_key,
                              canonicalize=(b'relaxed', b'relaxed'),
                              include_headers=[b'From', b'To', b'Cc', b'Subject', b'Date', b'Message-ID'])
        sys.stdout.buffer.write(signature + message)
        sys.exit(0)
    if mode == 'dkim-all':
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
    if mode == 'dkim':
        verifier = dkim.DKIM(message)
        count = len([1 for name, _ in verifier.headers if name.lower() == b'dkim-signature'])
        for index in range(count):
            try:
                ok = verifier.verify(idx=index, dnsfunc=dnsfunc)
            except dkim.DKIMException as e:
                ok = False
            print('d=%s %s' % (verifier.signature_fields.get(b'd', b'?').decode(), 'pass' if ok else 'fail'))
        sys.exit(0)
    sys.exit(2)


main()
