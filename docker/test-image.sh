#!/usr/bin/env bash
# Builds docker/Dockerfile for real (unchanged) and tests the image as `docker run` would use it.
# No Docker daemon or registry here: Debian's buildah (vfs storage, chroot isolation) builds it on a
# local stand-in for node:24-bookworm-slim (docker/node-base-image.sh), see ../shared/CONTAINERS.md.
#
#   bash docker/test-image.sh        (root; needs buildah, debootstrap, Redis on :6379; not yet in .ci/run)
#
# Checks: the image config (user 1000:1000, /app, tini entrypoint, HEALTHCHECK kept), the image's
# size (printed; must stay under IMAGE_MAX_MB), no devDependency and no npm inside, /app not writable
# by the app user; then it starts the image as that user with the embedded SQLite and the machine's
# Redis (own queue prefix), waits until the image's own HEALTHCHECK command passes, submits a check
# and reads it back. `--layers` keeps each step's layer, so an unchanged package-lock.json reuses the
# npm ci layer on the next run of the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/smtp-doctor:test}
# The local base stand-in alone is ~326 MB (Node binary, headers, debootstrap minbase); the first
# image built here (OCI, before this script) was 599 MB. The bound catches a devDependency tree or a
# build stage leaking into the runtime (each ~1 GB), not a few MB.
IMAGE_MAX_MB=${IMAGE_MAX_MB:-700}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
store=(--storage-driver vfs)
log() { printf '\n== image: %s\n' "$*"; }
fail() { echo "IMAGE TEST FAILED: $*" >&2; exit 1; }

command -v buildah >/dev/null || fail "buildah is not installed (apt-get install buildah debootstrap; .ci/apt-packages does)"
command -v node >/dev/null || fail "node is not on PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build_s=0
if [ -n "${IMAGE_PREBUILT:-}" ]; then
  log "testing the already built $IMAGE (IMAGE_PREBUILT set: no build)"
else
  log "base image node:24-bookworm-slim (local stand-in, built once per machine)"
  t0=$(date +%s)
  bash docker/node-base-image.sh 24
  echo "base image ready in $(($(date +%s) - t0)) s"

  log "build docker/Dockerfile"
  t0=$(date +%s)
  # --format docker: the OCI format has no HEALTHCHECK, and buildah would drop it.
  if ! buildah "${store[@]}" bud --layers --format docker --pull=never --network host --isolation chroot \
    --build-arg NODE_VERSION=24 -f docker/Dockerfile -t "$IMAGE" . >"$work/build.log" 2>&1; then
    tail -60 "$work/build.log"
    fail "buildah bud failed"
  fi
  grep -E '^\[[0-9]/[0-9]\] STEP|Using cache' "$work/build.log" || true
  build_s=$(($(date +%s) - t0))
  echo "image built in ${build_s} s"
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

log "size"
size_bytes=$(buildah "${store[@]}" images --format '{{.Size}}' --noheading "$IMAGE" | head -1)
echo "image size: ${size_bytes} (limit ${IMAGE_MAX_MB} MB)"
ctr=$(buildah "${store[@]}" from --pull=never "$IMAGE")
mnt=$(buildah "${store[@]}" mount "$ctr")
size_mb=$(du -sm --exclude=proc --exclude=sys --exclude=dev "$mnt" | cut -f1)
echo "image filesystem: ${size_mb} MB (node_modules: $(du -sm "$mnt/app/node_modules" | cut -f1) MB)"
[ "$size_mb" -le "$IMAGE_MAX_MB" ] || fail "the image filesystem is ${size_mb} MB, over ${IMAGE_MAX_MB} MB"

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

log "the app user cannot write its code, only /app/data"
run_as_app() { buildah "${store[@]}" run --isolation chroot --network host --user 1000:1000 "$@"; }
if run_as_app "$ctr" -- sh -c 'touch /app/dist/x' 2>/dev/null; then fail "uid 1000 can write /app/dist"; fi
run_as_app "$ctr" -- sh -c 'touch /app/data/.w && rm /app/data/.w' || fail "uid 1000 cannot write /app/data"
echo "ok"

log "start the image (uid 1000, embedded SQLite, the machine's Redis)"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
key="ci-image-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
prefix="sd-image-test-$$"
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
echo
echo "image test passed: build ${build_s} s, filesystem ${size_mb} MB"
