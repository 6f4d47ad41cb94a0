"""Independent oracle for CalendarOracleTest: parses original and rewritten calendars with
python3-icalendar and checks that they mean the same apart from the mapped addresses.

Usage: python3 -I compare_ical.py DIR
DIR holds mapping.txt ("old new" per line) and pairs NAME.orig.ics / NAME.new.ics.
Prints one line per pair: OK, SKIP (original does not parse) or FAIL with the reason.
Exits 0 when no pair failed.
"""
import os
import re
import sys

import icalendar

ADDRESS_PROPERTIES = {"ORGANIZER", "ATTENDEE", "X-MS-OLK-SENDER"}
ADDRESS_PARAMETERS = {"SENT-BY", "DELEGATED-TO", "DELEGATED-FROM", "EMAIL"}


def load_mapping(directory):
    mapping = {}
    with open(os.path.join(directory, "mapping.txt"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                old, new = line.split()
                mapping[old.lower()] = new
    return mapping


def replace_addresses(text, mapping):
    for old, new in mapping.items():
        text = re.sub(re.escape(old), lambda m: new, text, flags=re.IGNORECASE)
    return text


def text_of(value):
    if isinstance(value, (list, tuple)):
        return ",".join(text_of(v) for v in value)
    if hasattr(value, "to_ical"):
        value = value.to_ical()
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return str(value)


def expected_cn(cn, mapping):
    bare = cn.strip("'")
    new = mapping.get(bare.lower())
    if new is None:
        return cn
    return cn.replace(bare, new)


def describe(value, name, mapping):
    """(value text, params) of a property value, with the mapping applied when mapping is given."""
    text = text_of(value)
    params = {}
    for key, param in getattr(value, "params", {}).items():
        params[key.upper()] = text_of(param)
    if mapping is not None:
        if name in ADDRESS_PROPERTIES:
            text = replace_addresses(text, mapping)
        for key in list(params):
            if key in ADDRESS_PARAMETERS:
                params[key] = replace_addresses(params[key], mapping)
            elif key == "CN" and name in ADDRESS_PROPERTIES:
                params[key] = expected_cn(params[key], mapping)
    return text, sorted(params.items())


def properties(component, mapping):
    result = {}
    for name, value in component.items():
        values = value if isinstance(value, list) else [value]
        result[name.upper()] = [describe(v, name.upper(), mapping) for v in values]
    return result


def compare(original, rewritten, mapping, path):
    if original.name != rewritten.name:
        return "%s: component %s became %s" % (path, original.name, rewritten.name)
    expected = properties(original, mapping)
    actual = properties(rewritten, None)
    if expected != actual:
        for key in sorted(set(expected) | set(actual)):
            if expected.get(key) != actual.get(key):
                return "%s/%s: expected %r, got %r" % (path, key, expected.get(key), actual.get(key))
    if len(original.subcomponents) != len(rewritten.subcomponents):
        return "%s: %d subcomponents became %d" % (path, len(original.subcomponents), len(rewritten.subcomponents))
    for index, (a, b) in enumerate(zip(original.subcomponents, rewritten.subcomponents)):
        failure = compare(a, b, mapping, "%s/%s[%d]" % (path, a.name, index))
        if failure:
            return failure
    return None


def main(directory):
    mapping = load_mapping(directory)
    failed = False
    names = sorted(f[:-len(".orig.ics")] for f in os.listdir(directory) if f.endswith(".orig.ics"))
    for name in names:
        with open(os.path.join(directory, name + ".orig.ics"), "rb") as f:
            original_bytes = f.read()
        with open(os.path.join(directory, name + ".new.ics"), "rb") as f:
            rewritten_bytes = f.read()
        try:
            original = icalendar.Calendar.from_ical(original_bytes)
        except Exception as e:  # the oracle only judges what it can read
            print("SKIP %s: original does not parse: %s" % (name, e))
            continue
        try:
            rewritten = icalendar.Calendar.from_ical(rewritten_bytes)
        except Exception as e:
            print("FAIL %s: rewritten does not parse: %s" % (name, e))
            failed = True
            continue
        failure = compare(original, rewritten, mapping, original.name)
        if failure:
            print("FAIL %s: %s" % (name, failure))
            failed = True
        else:
            print("OK %s" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
