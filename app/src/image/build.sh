#!/usr/bin/env bash
# Builds the container image localhost/eventstore:<version> into podman's local store, from Debian packages only:
# debootstrap's minimal bookworm, a Java 17 runtime jlinked from Debian's JDK, and app/target/eventstore-image.jar
# (the runnable jar without the embedded PostgreSQL). It runs serve as a non-root user on $PORT and talks to the
# PostgreSQL of EVENTSTORE_DB_URL. Run as `./eventstore image`; installs what it needs with apt when missing.
# EVENTSTORE_IMAGE_JAR names another jar; the minimal bookworm is kept in ~/.cache/eventstore/image between builds.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

missing=()
for need in podman:podman buildah:buildah debootstrap:debootstrap runc:runc jlink:openjdk-17-jdk-headless; do
  command -v "${need%%:*}" >/dev/null || missing+=("${need#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}..." >&2
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >&2
fi

jar="${EVENTSTORE_IMAGE_JAR:-$root/app/target/eventstore-image.jar}"
if [ ! -f "$jar" ]; then
  echo "building $jar (first use)..." >&2
  (cd "$root" && mvn -B -q package -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip) >&2
fi
version="$(java -jar "$jar" --version | awk '{print $2}')"
tag="localhost/eventstore:$version"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/eventstore/image"
rootfs="$cache/bookworm-minbase.tar"
work="$(mktemp -d)"
trap '$sudo rm -rf "$work"' EXIT
if [ ! -f "$rootfs" ]; then
  echo "debootstrap of a minimal bookworm into $rootfs (first use, a few minutes)..." >&2
  mkdir -p "$cache"
  $sudo debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >&2
  # What a server that runs one java process never reads: package lists and caches, docs, manuals, translations.
  $sudo rm -rf "$work/rootfs"/var/lib/apt/lists/* "$work/rootfs"/var/cache/apt/* "$work/rootfs"/var/log/* \
    "$work/rootfs"/usr/share/doc/* "$work/rootfs"/usr/share/man/* "$work/rootfs"/usr/share/info/* \
    "$work/rootfs"/usr/share/locale/*
  $sudo tar -C "$work/rootfs" -cf "$rootfs.part" .
  $sudo mv "$rootfs.part" "$rootfs"
fi

# The modules serve uses (jdeps on the jar, plus the TLS elliptic curves and JNDI, which it finds only at run time).
echo "jlink of a Java 17 runtime..." >&2
jlink --add-modules java.base,java.compiler,java.desktop,java.management,java.naming,java.net.http,java.security.jgss,java.sql,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.security.auth,jdk.unsupported \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$work/java"

container="$($sudo buildah from scratch)"
mnt="$($sudo buildah mount "$container")"
$sudo tar -C "$mnt" -xf "$rootfs"
$sudo cp -a "$work/java" "$mnt/opt/java"
$sudo install -D -m 0644 "$jar" "$mnt/opt/eventstore/eventstore.jar"
echo 'eventstore:x:10001:10001:eventstore:/home/eventstore:/usr/sbin/nologin' | $sudo tee -a "$mnt/etc/passwd" >/dev/null
echo 'eventstore:x:10001:' | $sudo tee -a "$mnt/etc/group" >/dev/null
$sudo install -d -o 10001 -g 10001 -m 0750 "$mnt/home/eventstore"
$sudo buildah umount "$container" >/dev/null
# java is PID 1: serve takes SIGTERM itself (drains, exits 0), so no init is needed in between.
$sudo buildah config --user 10001:10001 --workingdir /home/eventstore \
  --env PORT=8080 --env EVENTSTORE_BIND=0.0.0.0 --port 8080 \
  --entrypoint '["/opt/java/bin/java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/eventstore/eventstore.jar"]' \
  --cmd '["serve"]' --label "org.opencontainers.image.title=eventstore" \
  --label "org.opencontainers.image.version=$version" --label "org.opencontainers.image.licenses=Apache-2.0" \
  "$container"
$sudo buildah commit --quiet --rm "$container" "$tag" >/dev/null
# The image this tag named before, now untagged: dropped, so that builds do not pile up in the store.
$sudo podman image prune --force --filter label=org.opencontainers.image.title=eventstore >/dev/null
size="$($sudo podman image inspect --format '{{.Size}}' "$tag")"
echo "$tag $((size / 1000000)) MB"
