#!/usr/bin/env bash
# Builds docker/Dockerfile for real (unchanged) and tests the image as `docker run` would use it.
# No Docker daemon or registry here: Debian's buildah (chroot isolation) builds it on a local stand-in
# for node:24-bookworm-slim (docker/node-base-image.sh), see ../shared/CONTAINERS.md. .ci/run runs it
# after the test suite.
#
#   bash docker/test-image.sh        (root; needs buildah, debootstrap, Redis on :6379; .ci/apt-packages
#                                     installs the packages)
#
# Checks: the image config (user 1000:1000, /app, tini entrypoint, HEALTHCHECK kept), the image's
# size (printed; must stay under IMAGE_MAX_MB), no devDependency and no npm inside, /app not writable
# by the app user; then it starts the image as that user with the embedded SQLite and the machine's
# Redis (own queue prefix), waits until the image's own HEALTHCHECK command passes, submits a check
# and reads it back.
#
# Speed: buildah's overlay storage driver when the kernel mounts overlayfs here (vfs copies the whole
# filesystem for every step; STORAGE_DRIVER=vfs forces it); stages built in parallel (--jobs); and
# `--layers`: each step's layer stays in buildah's store, so the next run on the same machine reuses
# the apt and `npm ci` layers while package*.json is unchanged (buildah 1.28 keys a COPY step on the
# files' content, not their times, so a fresh clone hits the cache too).
# Afterwards images no tag needs are pruned (IMAGE_PRUNE=0 keeps them); the tag IMAGE_CACHE_TAG keeps
# the prod-deps stage, and with it the deps stage, for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/smtp-doctor:test}
IMAGE_CACHE_TAG=${IMAGE_CACHE_TAG:-localhost/smtp-doctor-cache:prod-deps}
# The local base stand-in alone is ~326 MB (Node binary, headers, debootstrap minbase); the first
# image built here (OCI, before this script) was 599 MB. The bound catches a devDependency tree or a
# build stage leaking into the runtime (each ~1 GB), not a few MB.
IMAGE_MAX_MB=${IMAGE_MAX_MB:-700}
# Base image and build together must end within this time or the test fails: CI's whole run has 90
# minutes, the suite ~14; a cold run here took 1,548 s for both at load average ~20 (figures in .ci/run).
IMAGE_BUILD_TIMEOUT_S=${IMAGE_BUILD_TIMEOUT_S:-2400}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
log() { printf '\n== image: %s\n' "$*"; }
fail() { echo "IMAGE TEST FAILED: $*" >&2; exit 1; }
started=$(date +%s)
mark=$started
times=()
# Prints and records how long the phase since the previous mark took.
phase_done() {
  local now
  now=$(date +%s)
  times+=("$1 $((now - mark)) s")
  echo "($1: $((now - mark)) s)"
  mark=$now
}
# Seconds left of IMAGE_BUILD_TIMEOUT_S (at least 1: `timeout 0` would mean no limit).
budget_left() {
  local left=$((IMAGE_BUILD_TIMEOUT_S - ($(date +%s) - started)))
  echo $((left > 0 ? left : 1))
}

command -v buildah >/dev/null || fail "buildah is not installed (apt-get install buildah debootstrap; .ci/apt-packages does)"
command -v node >/dev/null || fail "node is not on PATH"
[ "$(id -u)" = 0 ] || fail "needs root (chroot isolation, debootstrap)"

# overlay when this kernel takes an overlay mount on the store's filesystem (as root: no fuse-overlayfs
# needed), vfs otherwise.
if [ -z "${STORAGE_DRIVER:-}" ]; then
  graphroot=$(buildah info --format '{{.store.GraphRoot}}' 2>/dev/null || true)
  graphroot=${graphroot:-/var/lib/containers/storage}
  mkdir -p "$graphroot"
  probe=$(mktemp -d "$graphroot/.overlay-probe.XXXXXX")
  mkdir "$probe/l" "$probe/u" "$probe/w" "$probe/m"
  STORAGE_DRIVER=vfs
  if mount -t overlay overlay -o "lowerdir=$probe/l,upperdir=$probe/u,workdir=$probe/w" "$probe/m" 2>/dev/null; then
    umount "$probe/m"
    STORAGE_DRIVER=overlay
  fi
  rm -rf "$probe"
fi
export STORAGE_DRIVER
store=(--storage-driver "$STORAGE_DRIVER")
echo "buildah $(buildah --version | awk '{print $3}'), storage driver $STORAGE_DRIVER"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build_s=0
if [ -n "${IMAGE_PREBUILT:-}" ]; then
  log "testing the already built $IMAGE (IMAGE_PREBUILT set: no build)"
else
  log "base image node:24-bookworm-slim (local stand-in, built once per machine and storage driver)"
  timeout "$(budget_left)" bash docker/node-base-image.sh 24 || fail "the base image was not built"
  phase_done base

  log "build docker/Dockerfile"
  # --format docker: the OCI format has no HEALTHCHECK, and buildah would drop it.
  build=(buildah "${store[@]}" bud --layers --force-rm --jobs "${IMAGE_BUILD_JOBS:-2}" --format docker --pull=never
    --network host --isolation chroot --build-arg NODE_VERSION=24 -f docker/Dockerfile)
  # The prod-deps stage first, under its own tag (the cache the prune keeps), then the image.
  # A build that fails or is stopped by the time limit leaves its working containers; they go.
  before=$(buildah "${store[@]}" containers -q --notruncate | sort)
  if ! timeout "$(budget_left)" "${build[@]}" --target prod-deps -t "$IMAGE_CACHE_TAG" . >"$work/build.log" 2>&1 \
    || ! timeout "$(budget_left)" "${build[@]}" -t "$IMAGE" . >>"$work/build.log" 2>&1; then
    tail -60 "$work/build.log"
    comm -13 <(echo "$before") <(buildah "${store[@]}" containers -q --notruncate | sort) \
      | xargs -r buildah "${store[@]}" rm >/dev/null 2>&1 || true
    fail "buildah bud failed, or base image and build took over IMAGE_BUILD_TIMEOUT_S=${IMAGE_BUILD_TIMEOUT_S} s"
  fi
  grep -E 'STEP [0-9]+/[0-9]+:|^\[[0-9]/[0-9]\] STEP|Using cache' "$work/build.log" || true
  build_s=$(($(date +%s) - mark))
  phase_done build
fi
buildah "${store[@]}" inspect --type image "$IMAGE" >/dev/null 2>&1 || fail "no image $IMAGE (the build failed)"

ctr=""
mnt=""
app_pid=""
# Ends the app (buildah run and the node it started), by process id, then removes the container.
kill_tree() {
  local pid=$1 child
  for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do kill_tree "$child"; done
  kill "$pid" 2>/dev/null || true
}
cleanup() {
  if [ -n "$app_pid" ]; then kill_tree "$app_pid"; wait "$app_pid" 2>/dev/null || true; fi
  if [ -n "$mnt" ]; then buildah "${store[@]}" umount "$ctr" >/dev/null 2>&1 || true; fi
  if [ -n "$ctr" ]; then buildah "${store[@]}" rm "$ctr" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
  # Images no tag needs any more (the previous run's image, this run's build stage): without this the
  # store grows with every run. Each pass removes the untagged images nothing else is built on.
  if [ "${IMAGE_PRUNE:-1}" = 1 ]; then
    local i
    for i in $(seq 1 30); do
      [ -n "$(buildah "${store[@]}" rmi --prune 2>/dev/null)" ] || break
    done
  fi
}
trap cleanup EXIT

log "image config"
buildah "${store[@]}" inspect --type image "$IMAGE" >"$work/inspect.json"
node - "$work/inspect.json" >"$work/healthcheck.cmd" <<'EOF'
const i = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const c = i.Docker?.config ?? i.OCIv1?.config ?? {};
const want = (what, got, exp) => {
  if (JSON.stringify(got) !== JSON.stringify(exp)) {
    console.error(`${what}: expected ${JSON.stringify(exp)}, got ${JSON.stringify(got)}`);
    process.exit(1);
  }
};
want('User', c.User, '1000:1000');
want('WorkingDir', c.WorkingDir, '/app');
want('Entrypoint', c.Entrypoint, ['/usr/bin/tini', '--']);
want('Cmd', c.Cmd, ['node', 'dist/src/main.js']);
want('ExposedPorts', Object.keys(c.ExposedPorts ?? {}), ['3000/tcp']);
const hc = c.Healthcheck;
if (!hc || hc.Test?.[0] !== 'CMD') { console.error(`HEALTHCHECK missing: ${JSON.stringify(hc)}`); process.exit(1); }
console.error(`config ok: user ${c.User}, workdir ${c.WorkingDir}, healthcheck ${JSON.stringify(hc.Test)} every ${hc.Interval / 1e9}s`);
process.stdout.write(hc.Test.slice(1).join('\n'));
EOF
mapfile -t hc_cmd <"$work/healthcheck.cmd"
phase_done config

log "size"
size_bytes=$(buildah "${store[@]}" images --format '{{.Size}}' --noheading "$IMAGE" | head -1)
echo "image size: ${size_bytes} (limit ${IMAGE_MAX_MB} MB)"
ctr=$(buildah "${store[@]}" from --pull=never "$IMAGE")
mnt=$(buildah "${store[@]}" mount "$ctr")
size_mb=$(du -sm --exclude=proc --exclude=sys --exclude=dev "$mnt" | cut -f1)
echo "image filesystem: ${size_mb} MB (node_modules: $(du -sm "$mnt/app/node_modules" | cut -f1) MB)"
[ "$size_mb" -le "$IMAGE_MAX_MB" ] || fail "the image filesystem is ${size_mb} MB, over ${IMAGE_MAX_MB} MB"
phase_done size

log "contents: no devDependency, no npm, no sources or tests"
node - "$mnt" package-lock.json <<'EOF'
const fs = require('fs');
const path = require('path');
const [mnt, lockFile] = process.argv.slice(2);
const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
const bad = [];
let prod = 0;
for (const [p, meta] of Object.entries(lock.packages)) {
  if (!p.startsWith('node_modules/')) continue;
  const there = fs.existsSync(path.join(mnt, 'app', p, 'package.json'));
  if (meta.dev && there) bad.push(`devDependency in the image: ${p}`);
  if (!meta.dev && !meta.optional && !meta.peer && !there) bad.push(`production dependency missing: ${p}`);
  if (!meta.dev && there) prod++;
}
for (const p of ['usr/local/lib/node_modules/npm', 'usr/local/bin/npm', 'app/src', 'app/test', 'app/.npmrc', 'app/docker']) {
  if (fs.existsSync(path.join(mnt, p))) bad.push(`should not be in the image: /${p}`);
}
for (const p of ['app/dist/src/main.js', 'app/web', 'app/healthcheck.cjs', 'usr/bin/tini']) {
  if (!fs.existsSync(path.join(mnt, p))) bad.push(`missing from the image: /${p}`);
}
if (bad.length) { console.error(bad.join('\n')); process.exit(1); }
console.log(`${prod} production packages, no devDependency (of ${Object.values(lock.packages).filter((m) => m.dev).length} in the lock)`);
EOF

phase_done contents

log "the app user cannot write its code, only /app/data"
# No --user: buildah run uses the image's USER, as docker run would.
run_as_app() { buildah "${store[@]}" run --isolation chroot --network host "$@"; }
if run_as_app "$ctr" -- sh -c 'touch /app/dist/x' 2>/dev/null; then fail "uid 1000 can write /app/dist"; fi
run_as_app "$ctr" -- sh -c 'touch /app/data/.w && rm /app/data/.w' || fail "uid 1000 cannot write /app/data"
echo "ok"

log "start the image (uid 1000, embedded SQLite, the machine's Redis)"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
key="ci-image-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
prefix="sd-image-test-$$"
# The HEALTHCHECK command must fail while nothing listens on the port (so its passing below means something).
if run_as_app --env PORT="$port" --env HOST=127.0.0.1 "$ctr" -- "${hc_cmd[@]}" >/dev/null 2>&1; then
  fail "the HEALTHCHECK command passed with nothing listening on port $port"
fi
run_as_app --env PORT="$port" --env HOST=127.0.0.1 --env REDIS_URL="$REDIS_URL" --env QUEUE_PREFIX="$prefix" \
  --env API_KEYS="ci:$key" --env LOG_LEVEL=warn --env DNS_SERVERS=127.0.0.1:9 \
  "$ctr" -- /usr/bin/tini -- node dist/src/main.js >"$work/app.log" 2>&1 &
app_pid=$!
t0=$(date +%s)
healthy=""
for _ in $(seq 1 90); do
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log"; fail "the app exited"; }
  # The image's own HEALTHCHECK command, run in the container with the app's settings.
  if run_as_app --env PORT="$port" --env HOST=127.0.0.1 "$ctr" -- "${hc_cmd[@]}" >/dev/null 2>&1; then
    healthy=yes
    break
  fi
  sleep 2
done
[ -n "$healthy" ] || { tail -50 "$work/app.log"; fail "HEALTHCHECK never passed"; }
echo "HEALTHCHECK (${hc_cmd[*]}) passed $(($(date +%s) - t0)) s after start"
# The app's own process (node under tini) runs as the image's user, not root.
descendants() {
  local child
  for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do echo "$child"; descendants "$child"; done
}
node_pid=""
for pid in $(descendants "$app_pid"); do
  [ "$(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null)" = "node dist/src/main.js " ] && node_pid=$pid && break
done
[ -n "$node_pid" ] || fail "no node process under tini"
uids=$(awk '/^Uid:/ {print $2":"$3}' /proc/"$node_pid"/status)
gid=$(awk '/^Gid:/ {print $2}' /proc/"$node_pid"/status)
[ "$uids:$gid" = "1000:1000:1000" ] || fail "the app runs as uid:euid:gid $uids:$gid, not 1000"
echo "app process $node_pid runs as uid 1000, gid 1000"

log "submit a check and read it back"
body='{"kind":"content","email":{"from":"sender@example.com","to":["rcpt@example.org"],"subject":"Image test","text":"Hello from the image test."}}'
curl -sS -o "$work/check.json" -w '%{http_code}\n' -X POST "http://127.0.0.1:$port/v1/checks?wait=30" \
  -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" >"$work/status"
status=$(cat "$work/status")
[ "$status" = 200 ] || { cat "$work/check.json"; tail -30 "$work/app.log"; fail "POST /v1/checks answered $status"; }
id=$(node -e "const c=require('$work/check.json');if(!['pass','warn','fail','indeterminate'].includes(c.verdict))process.exit(1);console.log(c.id)") \
  || { cat "$work/check.json"; fail "the check has no verdict"; }
curl -sS -o "$work/again.json" -w '%{http_code}' "http://127.0.0.1:$port/v1/checks/$id" -H "Authorization: Bearer $key" >"$work/status"
[ "$(cat "$work/status")" = 200 ] || fail "GET /v1/checks/$id answered $(cat "$work/status")"
node -e "const a=require('$work/check.json'),b=require('$work/again.json');if(a.id!==b.id||a.verdict!==b.verdict)process.exit(1);console.log('check', a.id, a.kind, a.status, 'verdict', a.verdict, 'score', a.score, '(stored in the image SQLite, read back)')"
run_as_app "$ctr" -- sh -c 'test -s /app/data/smtp-doctor.db' || fail "no SQLite database in /app/data"

redis-cli -u "$REDIS_URL" --scan --pattern "$prefix:*" 2>/dev/null | head -1000 | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true
phase_done run
echo
echo "image test passed in $(($(date +%s) - started)) s (${times[*]}; storage $STORAGE_DRIVER), filesystem ${size_mb} MB"
