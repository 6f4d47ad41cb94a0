#!/usr/bin/env bash
# docker/ci-base-image.sh — makes the Java base image CI builds docker/Dockerfile on, once:
# Debian bookworm (debootstrap from this machine's Debian mirror: no container registry is
# reachable in CI) with openjdk-17-jre-headless (bookworm has no Java 11 runtime). Operators build
# on a Java 11 base instead (the Dockerfile's default BASE); everything above the base is the same.
#
# Usage: docker/ci-base-image.sh [IMAGE]   (default localhost/t2t-ci-base:bookworm)
# Does nothing when IMAGE exists. Needs root, podman, debootstrap; CONTAINERS_CONF as the caller
# set it (see ContainerImageIT). Prints the image name on stdout, progress on stderr. About 90 s
# on a 2-core machine (debootstrap 25 s, the JRE 60 s), 353 MB.
set -euo pipefail

IMAGE="${1:-localhost/t2t-ci-base:bookworm}"
if podman image exists "$IMAGE"; then
    echo "$IMAGE"
    exit 0
fi

SOURCES=/etc/apt/sources.list.d/debian.sources
MIRROR="$(sed -n 's/^URIs: *//p' "$SOURCES" 2>/dev/null | head -1)"
[ -n "$MIRROR" ] || MIRROR="$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
[ -n "$MIRROR" ] || { echo "ci-base-image: no Debian mirror found in $SOURCES or /etc/apt/sources.list" >&2; exit 2; }

WORK="$(mktemp -d /tmp/t2t-ci-base.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"

echo "ci-base-image: debootstrap bookworm from $MIRROR ..." >&2
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; exit 2; }
chroot "$ROOTFS" apt-get clean
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/etc/apt/sources.list
# The host's apt sources and settings (mirror, proxy), so that apt-get works inside the build.
if [ -f "$SOURCES" ]; then
    cp "$SOURCES" "$ROOTFS/etc/apt/sources.list.d/"
else
    cp /etc/apt/sources.list "$ROOTFS/etc/apt/"
fi
cp /etc/apt/apt.conf.d/* "$ROOTFS/etc/apt/apt.conf.d/" 2>/dev/null || true

ROOT_IMAGE="localhost/t2t-ci-rootfs:bookworm"
tar -C "$ROOTFS" -c . | podman import --change 'CMD ["/bin/bash"]' - "$ROOT_IMAGE" >"$WORK/import.log" 2>&1 \
    || { tail -20 "$WORK/import.log" >&2; exit 2; }
rm -rf "$ROOTFS"

# The Java runtime, as a base image of its own: built once, then reused by every CI run.
cat >"$WORK/Containerfile" <<'CONTAINERFILE'
FROM localhost/t2t-ci-rootfs:bookworm
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
CONTAINERFILE
echo "ci-base-image: installing openjdk-17-jre-headless into $IMAGE ..." >&2
podman build --pull=never -t "$IMAGE" -f "$WORK/Containerfile" "$WORK" >"$WORK/build.log" 2>&1 \
    || { tail -20 "$WORK/build.log" >&2; podman rmi "$ROOT_IMAGE" >/dev/null 2>&1; exit 2; }
# Untags the intermediate image; its layer stays, as the base's parent.
podman rmi "$ROOT_IMAGE" >/dev/null
echo "$IMAGE"
