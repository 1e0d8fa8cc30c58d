#!/usr/bin/env bash
# Opora production installer for Debian and Ubuntu.
#
# Run it as root from an unpacked Opora source tree (the folder that holds this file). It installs
# a Node 24 runtime when the system has none, copies and builds the application, writes the site
# configuration once, brings the database schema up to date and (unless --no-systemd) runs Opora
# as a systemd service. Running it again is safe: an existing local.yml or secret is never
# replaced, an unchanged source tree is not rebuilt, and a newer one is copied, built, migrated
# and restarted (that is how upgrades are done).
set -euo pipefail
set -o errtrace # the ERR trap below also reports failures inside functions

usage() {
	cat <<'USAGE'
Usage: install.sh [options]

Installs or upgrades Opora from this source tree. Run as root on Debian or Ubuntu.

Options:
  --prefix DIR          Installation folder (default /opt/opora): the application goes to
                        DIR/app, a private Node 24 (only when the system has none) to DIR/runtime.
  --config-dir DIR      Folder for local.yml (default /etc/opora). The service gets CONFIG_DIR=DIR.
  --data-dir DIR        Data folder: embedded database, attachments, lock file
                        (default /var/lib/opora).
  --user NAME           System user the service runs as (default opora; created if missing).
  --database-url URL    PostgreSQL (15 or newer) to use, postgres://user:password@host:5432/db.
                        Without it, Debian's postgresql package is installed and a role and
                        database "opora" with a random password are created (systemd mode only).
  --port N              TCP port Opora listens on, on 127.0.0.1 (default 3000).
  --app-url URL         Public address of the desk, used in links (default http://localhost:PORT,
                        or http(s)://DOMAIN with --with-nginx).
  --no-systemd          Install only: no systemd unit, no service start, no local PostgreSQL.
                        Give --database-url, or the embedded database is used.
  --with-nginx DOMAIN   Also install nginx with a reverse-proxy site for DOMAIN to 127.0.0.1:PORT.
  --tls-cert FILE       With --with-nginx: an existing certificate (chain) file for HTTPS.
  --tls-key FILE        With --with-nginx: the private key of that certificate.
                        Without both, nginx serves plain HTTP on port 80.
  -h, --help            Print this help and exit.

Settings written to CONFIG_DIR/local.yml (port, app_url, data_dir, database_url, secret_key)
are written only when that file does not exist yet; edit the file to change them later.
USAGE
}

# --- output helpers -------------------------------------------------------------------------

say() { printf 'opora-install: %s\n' "$*"; }
warn() { printf 'opora-install: warning: %s\n' "$*" >&2; }
die() {
	printf 'opora-install: error: %s\n' "$*" >&2
	exit 1
}

# Temporary files that must not outlive a failed run (one of them may hold a fresh secret).
TEMP_FILES=()
STAGE_DIR= # a half-built new version (DIR/app.new), removed if the run fails
cleanup() {
	local file
	for file in "${TEMP_FILES[@]}"; do rm -f -- "$file"; done
	# A build that did not finish is not kept (the installed version was not touched).
	if [[ -n ${STAGE_DIR:-} ]]; then rm -rf -- "$STAGE_DIR"; fi
}
trap cleanup EXIT
trap 'printf "opora-install: error: command failed at line %s (see the output above)\n" "$LINENO" >&2' ERR

# --- options --------------------------------------------------------------------------------

PREFIX=/opt/opora
CONFIG_DIR=/etc/opora
DATA_DIR=/var/lib/opora
RUN_USER=opora
DATABASE_URL_OPT=
PORT=3000
PORT_GIVEN=0
APP_URL=
USE_SYSTEMD=1
NGINX_DOMAIN=
TLS_CERT=
TLS_KEY=
# Set below; initialised here so that a variable of the same name in the caller's environment
# (npm exports NODE to the scripts it runs) is never taken for ours.
NODE=
RUN_GROUP=

# The value of option $1, whose next argument ($2) must exist.
need_value() {
	[[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
	option=$1
	# Accept --option=value as well as --option value.
	if [[ $option == --*=* ]]; then
		set -- "${option%%=*}" "${option#*=}" "${@:2}"
		option=$1
	fi
	case $option in
	-h | --help)
		usage
		exit 0
		;;
	--prefix) need_value "$@"; PREFIX=$2; shift 2 ;;
	--config-dir) need_value "$@"; CONFIG_DIR=$2; shift 2 ;;
	--data-dir) need_value "$@"; DATA_DIR=$2; shift 2 ;;
	--user) need_value "$@"; RUN_USER=$2; shift 2 ;;
	--database-url) need_value "$@"; DATABASE_URL_OPT=$2; shift 2 ;;
	--port) need_value "$@"; PORT=$2; PORT_GIVEN=1; shift 2 ;;
	--app-url) need_value "$@"; APP_URL=$2; shift 2 ;;
	--with-nginx) need_value "$@"; NGINX_DOMAIN=$2; shift 2 ;;
	--tls-cert) need_value "$@"; TLS_CERT=$2; shift 2 ;;
	--tls-key) need_value "$@"; TLS_KEY=$2; shift 2 ;;
	--no-systemd) USE_SYSTEMD=0; shift ;;
	*) die "unknown option: $option (see --help)" ;;
	esac
done

# Paths end up in a systemd unit and in YAML: keep them absolute and free of blanks.
check_path() {
	local name=$1 value=$2
	[[ $value == /* ]] || die "$name must be an absolute path, got: $value"
	[[ $value != *[[:space:]]* ]] || die "$name must not contain blanks, got: $value"
	[[ $value != / ]] || die "$name must not be /"
}
check_path --prefix "$PREFIX"
check_path --config-dir "$CONFIG_DIR"
check_path --data-dir "$DATA_DIR"
PREFIX=${PREFIX%/}
CONFIG_DIR=${CONFIG_DIR%/}
DATA_DIR=${DATA_DIR%/}

[[ $RUN_USER =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "--user must be a plain user name (lower case), got: $RUN_USER"
if [[ ! $PORT =~ ^[1-9][0-9]{0,4}$ ]] || ((PORT > 65535)); then
	die "--port must be a number from 1 to 65535, got: $PORT"
fi
if [[ -n $DATABASE_URL_OPT && ! $DATABASE_URL_OPT =~ ^postgres(ql)?:// ]]; then
	die "--database-url must start with postgres:// or postgresql://"
fi
if [[ -n $NGINX_DOMAIN && ! $NGINX_DOMAIN =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]]; then
	die "--with-nginx needs a domain name such as desk.example.com, got: $NGINX_DOMAIN"
fi
if [[ -n $TLS_CERT || -n $TLS_KEY ]]; then
	[[ -n $NGINX_DOMAIN ]] || die "--tls-cert and --tls-key only make sense with --with-nginx"
	[[ -n $TLS_CERT && -n $TLS_KEY ]] || die "give both --tls-cert and --tls-key"
	check_path --tls-cert "$TLS_CERT"
	check_path --tls-key "$TLS_KEY"
	[[ -r $TLS_CERT ]] || die "certificate file not readable: $TLS_CERT"
	[[ -r $TLS_KEY ]] || die "key file not readable: $TLS_KEY"
fi
if [[ -z $APP_URL ]]; then
	if [[ -n $NGINX_DOMAIN && -n $TLS_CERT ]]; then
		APP_URL="https://$NGINX_DOMAIN"
	elif [[ -n $NGINX_DOMAIN ]]; then
		APP_URL="http://$NGINX_DOMAIN"
	else
		APP_URL="http://localhost:$PORT"
	fi
fi
[[ $APP_URL =~ ^https?://[^[:space:]]+$ ]] || die "--app-url must start with http:// or https://, got: $APP_URL"

[[ $EUID -eq 0 ]] || die "run this as root (it creates a system user, writes to $PREFIX and $CONFIG_DIR)"

SOURCE_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
readonly SOURCE_DIR
[[ -f $SOURCE_DIR/package.json && -f $SOURCE_DIR/package-lock.json ]] ||
	die "$SOURCE_DIR is not an Opora source tree (package.json and package-lock.json are missing)"
grep -q '"name": *"opora"' "$SOURCE_DIR/package.json" ||
	die "$SOURCE_DIR/package.json is not Opora's"

APP_DIR=$PREFIX/app
RUNTIME_DIR=$PREFIX/runtime
# Re-running the installed copy's own install.sh is fine; installing into the source tree is not.
if [[ $APP_DIR != "$SOURCE_DIR" && $APP_DIR/ == "$SOURCE_DIR"/* ]]; then
	die "--prefix must not lie inside the source tree ($SOURCE_DIR)"
fi

if ((USE_SYSTEMD)); then
	if [[ ! -d /run/systemd/system ]] || ! command -v systemctl >/dev/null; then
		die "systemd is not running on this machine; use --no-systemd (and start Opora yourself)"
	fi
fi

umask 022
# npm must build with its development dependencies (TypeScript), whatever the caller's NODE_ENV.
unset NODE_ENV

mkdir -p -- "$PREFIX"
# Two installers at once on one prefix would trip over each other's npm ci.
exec 9>"$PREFIX/.install.lock"
flock 9

# --- small helpers --------------------------------------------------------------------------

APT_UPDATED=0
apt_install() {
	command -v apt-get >/dev/null || die "apt-get not found: install $* yourself, then run this again"
	if ((!APT_UPDATED)); then
		say "apt-get update"
		apt-get update -qq
		APT_UPDATED=1
	fi
	say "installing Debian packages: $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# A random hex string of $1 bytes (openssl when present, else Node's crypto).
random_hex() {
	if command -v openssl >/dev/null; then
		openssl rand -hex "$1"
	else
		"$NODE" -e "process.stdout.write(require('node:crypto').randomBytes($1).toString('hex') + '\n')"
	fi
}

# A YAML single-quoted scalar: the only escape needed inside is '' for '.
yaml_quote() {
	local value=$1
	printf "'%s'" "${value//\'/\'\'}"
}

# A new temporary file beside $1 (same file system, so mv is atomic), removed if the run fails.
temp_beside() {
	local temp
	temp=$(mktemp "$(dirname -- "$1")/.$(basename -- "$1").XXXXXX")
	TEMP_FILES+=("$temp")
	printf '%s\n' "$temp"
}

# Replaces $2 with the temporary file $1 when they differ; returns 0 when $2 changed.
replace_if_changed() {
	local temp=$1 target=$2
	if [[ -f $target ]] && cmp -s -- "$temp" "$target"; then
		rm -f -- "$temp"
		return 1
	fi
	chmod 0644 -- "$temp"
	mv -f -- "$temp" "$target"
	return 0
}

service_active() {
	((USE_SYSTEMD)) && systemctl is-active --quiet opora.service
}

# --- 1. the service user --------------------------------------------------------------------

ensure_user() {
	if id -u "$RUN_USER" >/dev/null 2>&1; then
		say "user $RUN_USER exists"
	else
		say "creating system user $RUN_USER"
		useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
			--shell /usr/sbin/nologin --comment "Opora service desk" "$RUN_USER"
	fi
	RUN_GROUP=$(id -gn "$RUN_USER")
}

# --- 2. Node 24 -----------------------------------------------------------------------------

# The Node version the project pins (package.json devDependencies "node"), else this default.
pinned_node_version() {
	local version
	version=$(sed -nE 's/^[[:space:]]*"node":[[:space:]]*"([0-9]+\.[0-9]+\.[0-9]+)",?[[:space:]]*$/\1/p' \
		"$SOURCE_DIR/package.json" | head -n 1)
	printf '%s\n' "${version:-24.21.0}"
}

ensure_node() {
	local system_node major version
	system_node=$(command -v node || true)
	if [[ -n $system_node ]]; then
		major=$("$system_node" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
		# The service user must be able to run it too (not e.g. a node under /root).
		if ((major >= 24)) && runuser -u "$RUN_USER" -- "$system_node" -e '' 2>/dev/null; then
			NODE=$system_node
			say "using the system Node $("$NODE" -v) at $NODE"
		fi
	fi
	if [[ -z $NODE ]]; then
		version=$(pinned_node_version)
		NODE=$RUNTIME_DIR/node_modules/.bin/node
		if [[ -x $NODE && $("$NODE" -v 2>/dev/null) == "v$version" ]]; then
			say "using the private Node v$version in $RUNTIME_DIR"
		else
			command -v npm >/dev/null || apt_install npm
			say "installing Node $version from the npm registry into $RUNTIME_DIR"
			mkdir -p -- "$RUNTIME_DIR"
			# The registry's node package fetches its binary in a preinstall script: allow it.
			printf '{\n  "name": "opora-runtime",\n  "private": true,\n  "allowScripts": { "node": true }\n}\n' \
				>"$RUNTIME_DIR/package.json"
			npm install --prefix "$RUNTIME_DIR" --save-exact --no-audit --no-fund "node@$version"
			[[ $("$NODE" -v) == "v$version" ]] || die "the private Node in $RUNTIME_DIR does not run"
		fi
	fi
	command -v npm >/dev/null || apt_install npm
	# npm (a Node script) and every build step run on this Node.
	PATH="$(dirname -- "$NODE"):$PATH"
	export PATH
}

# --- 3. copy and build the application ------------------------------------------------------

# One hash over the part of the source tree that gets installed: every name, type and mode,
# and every file's contents.
source_fingerprint() {
	(
		cd -- "$SOURCE_DIR"
		local skip=(\( -name node_modules -o -name .git -o -path ./dist -o -path ./data -o -path ./config/local.yml \) -prune)
		find . "${skip[@]}" -o -printf '%y %m %p\n' | LC_ALL=C sort
		find . "${skip[@]}" -o -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
	) | sha256sum | cut -d ' ' -f 1
}

# Copies the source tree into the folder $1 (everything but node_modules, dist, data, .git and a
# local config/local.yml): rsync when present, else cp -a after emptying the folder.
copy_source() {
	local target=$1 entry name
	mkdir -p -- "$target"
	if command -v rsync >/dev/null; then
		# Excluded paths are also protected from --delete: node_modules and dist stay.
		rsync -rlt --delete --exclude=node_modules --exclude=.git --exclude=/dist --exclude=/data \
			--exclude=/config/local.yml "$SOURCE_DIR/" "$target/"
		return
	fi
	find "$target" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name dist -exec rm -rf -- {} +
	for entry in "$SOURCE_DIR"/* "$SOURCE_DIR"/.[!.]* "$SOURCE_DIR"/..?*; do
		[[ -e $entry || -L $entry ]] || continue
		name=$(basename -- "$entry")
		case $name in node_modules | dist | data | .git) continue ;; esac
		cp -a --no-preserve=ownership -- "$entry" "$target/"
	done
	# Nested node_modules or .git folders (in plugins) are not installed either.
	find "$target" \( -path "$target/node_modules" -o -path "$target/dist" \) -prune \
		-o \( -name node_modules -o -name .git \) -prune -exec rm -rf -- {} +
	rm -f -- "$target/config/local.yml"
}

# npm ci (unless node_modules already matches the lock file $2) and a clean build, in folder $1.
build_in() {
	local dir=$1 lock_hash=$2
	cd -- "$dir"
	if [[ $(cat node_modules/.opora-lock 2>/dev/null) != "$lock_hash" ]]; then
		say "installing dependencies (npm ci)"
		if ! npm ci --include=dev --no-audit --no-fund; then
			die "npm ci failed (see above). If npm says package.json and package-lock.json are not in sync, the lock file of $SOURCE_DIR is incomplete: regenerate it with npm install and ship that package-lock.json"
		fi
		printf '%s\n' "$lock_hash" >node_modules/.opora-lock
	fi
	say "building (npm run build)"
	# A clean build: compiled files of sources removed by an upgrade must not linger in dist.
	rm -rf -- dist
	npm run build
	[[ -f dist/src/main.js ]] || die "the build did not produce $dir/dist/src/main.js"
	cd -- "$SOURCE_DIR"
}

# Copies and builds the source into DIR/app. A new version is built beside the installed one
# (DIR/app.new) and swapped in only once it built: a failed upgrade leaves the running version
# alone. An unchanged source tree is left as it is.
APP_CHANGED=0
install_app() {
	local fingerprint lock_hash
	fingerprint=$(source_fingerprint)
	lock_hash=$(sha256sum <"$SOURCE_DIR/package-lock.json" | cut -d ' ' -f 1)
	if [[ -f $APP_DIR/dist/src/main.js &&
		$(cat "$APP_DIR/dist/.opora-source" 2>/dev/null) == "$fingerprint" &&
		$(cat "$APP_DIR/node_modules/.opora-lock" 2>/dev/null) == "$lock_hash" ]]; then
		say "$APP_DIR is already built from this source tree"
		return
	fi
	APP_CHANGED=1
	if [[ $SOURCE_DIR == "$(cd -- "$APP_DIR" 2>/dev/null && pwd -P)" ]]; then
		# install.sh of the installed copy itself: the sources are in place already.
		build_in "$APP_DIR" "$lock_hash"
		printf '%s\n' "$fingerprint" >"$APP_DIR/dist/.opora-source"
		return
	fi

	STAGE_DIR=$PREFIX/app.new
	rm -rf -- "$STAGE_DIR"
	say "copying $SOURCE_DIR to $STAGE_DIR"
	copy_source "$STAGE_DIR"
	if [[ $(cat "$APP_DIR/node_modules/.opora-lock" 2>/dev/null) == "$lock_hash" ]]; then
		# Same lock file: reuse the installed dependencies (hard links, nothing is copied).
		cp -al -- "$APP_DIR/node_modules" "$STAGE_DIR/node_modules"
	fi
	build_in "$STAGE_DIR" "$lock_hash"
	printf '%s\n' "$fingerprint" >"$STAGE_DIR/dist/.opora-source"

	if service_active; then
		say "stopping opora.service to switch versions"
		systemctl stop opora.service
	fi
	rm -rf -- "$PREFIX/app.old"
	if [[ -e $APP_DIR ]]; then mv -- "$APP_DIR" "$PREFIX/app.old"; fi
	mv -- "$STAGE_DIR" "$APP_DIR"
	STAGE_DIR=
	rm -rf -- "$PREFIX/app.old"
	say "installed the new build in $APP_DIR"
}

# --- 4. database and configuration ----------------------------------------------------------

# Installs and starts Debian's PostgreSQL, creates role and database "opora" with a new random
# password and prints the connection URL. Only called while local.yml does not exist yet, so a
# password already written there is never replaced.
setup_local_postgres() {
	local password port
	command -v pg_ctlcluster >/dev/null || apt_install postgresql >&2
	systemctl enable --now postgresql.service >&2
	# Wait for the cluster to accept connections (a fresh one needs a moment).
	local tries=0
	until runuser -u postgres -- psql -qAtc 'SELECT 1' >/dev/null 2>&1; do
		((++tries < 30)) || die "PostgreSQL did not come up (systemctl status postgresql)"
		sleep 1
	done
	port=$(runuser -u postgres -- psql -qAtc 'SHOW port')
	password=$(random_hex 24)
	if [[ $(runuser -u postgres -- psql -qAtc "SELECT 1 FROM pg_roles WHERE rolname = 'opora'") == 1 ]]; then
		runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c "ALTER ROLE opora WITH LOGIN PASSWORD '$password'" >&2
	else
		runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c "CREATE ROLE opora WITH LOGIN PASSWORD '$password'" >&2
	fi
	if [[ $(runuser -u postgres -- psql -qAtc "SELECT 1 FROM pg_database WHERE datname = 'opora'") != 1 ]]; then
		runuser -u postgres -- createdb --owner=opora --encoding=UTF8 --template=template0 opora >&2
	fi
	printf 'postgres://opora:%s@127.0.0.1:%s/opora\n' "$password" "$port"
}

CONFIG_FILE=
write_config() {
	CONFIG_FILE=$CONFIG_DIR/local.yml
	if [[ ! -d $CONFIG_DIR ]]; then
		install -d -m 0750 -o root -g "$RUN_GROUP" -- "$CONFIG_DIR"
	fi
	if [[ -e $CONFIG_FILE ]]; then
		say "keeping the existing $CONFIG_FILE (settings given on the command line are not applied to it)"
		local configured
		configured=$(sed -nE "s/^port:[[:space:]]*['\"]?([0-9]+).*/\1/p" "$CONFIG_FILE" | head -n 1)
		if [[ -n $configured && $configured != "$PORT" ]]; then
			((PORT_GIVEN)) && warn "--port $PORT ignored: $CONFIG_FILE says port $configured"
			PORT=$configured
		fi
		return
	fi

	local database_url=$DATABASE_URL_OPT
	if [[ -z $database_url ]] && ((USE_SYSTEMD)); then
		say "setting up a local PostgreSQL (role and database opora)"
		database_url=$(setup_local_postgres)
	elif [[ -z $database_url ]]; then
		warn "no --database-url: Opora will use its embedded database under $DATA_DIR (fine for trials and small sites)"
	fi

	say "writing $CONFIG_FILE with a new secret key"
	local temp secret
	temp=$(temp_beside "$CONFIG_FILE")
	secret=$(random_hex 32)
	{
		printf '# Opora site settings, written by install.sh on %s.\n' "$(date -u +%Y-%m-%d)"
		printf '# install.sh never rewrites this file: edit it here. Every setting is described in\n'
		printf '# %s/docs/admin.md ("Reference"); environment variables win over this file.\n' "$APP_DIR"
		printf '# Keep secret_key as it is: stored secrets and signed links depend on it. Back it up.\n\n'
		printf 'port: %s\n' "$PORT"
		printf 'app_url: %s\n' "$(yaml_quote "$APP_URL")"
		printf 'data_dir: %s\n' "$(yaml_quote "$DATA_DIR")"
		if [[ -n $database_url ]]; then
			printf 'database_url: %s\n' "$(yaml_quote "$database_url")"
		else
			printf '# database_url: unset, so the embedded database under data_dir is used.\n'
		fi
		printf 'secret_key: %s\n' "$(yaml_quote "$secret")"
		# Served over HTTPS (nginx on this host sets X-Forwarded-Proto, which the app trusts from
		# loopback): the session cookie may then only travel encrypted.
		if [[ $APP_URL == https://* ]]; then
			printf 'session:\n  secure_cookie: true\n'
		fi
	} >"$temp"
	chmod 0640 -- "$temp"
	chown "root:$RUN_GROUP" -- "$temp"
	# Refuse to clobber a file that appeared meanwhile (ln fails when the target exists).
	ln -- "$temp" "$CONFIG_FILE" || die "$CONFIG_FILE appeared while writing it; not replacing it"
	rm -f -- "$temp"
}

prepare_data_dir() {
	if [[ ! -d $DATA_DIR ]]; then
		install -d -m 0750 -o "$RUN_USER" -g "$RUN_GROUP" -- "$DATA_DIR"
	fi
	chown "$RUN_USER:$RUN_GROUP" -- "$DATA_DIR"
	# Files a root-run command may have left behind must stay usable by the service.
	find "$DATA_DIR" -mindepth 1 ! -user "$RUN_USER" -exec chown -h "$RUN_USER:$RUN_GROUP" -- {} +
}

run_migrations() {
	say "bringing the database schema up to date (migrate)"
	# The same as `npm run opora -- migrate` minus its build step (done above, and the service
	# user may not write to dist). A clean environment, as under systemd: only local.yml counts.
	(cd -- "$APP_DIR" && runuser -u "$RUN_USER" -- env -i PATH=/usr/bin:/bin HOME="$DATA_DIR" \
		CONFIG_DIR="$CONFIG_DIR" NODE_ENV=production "$NODE" dist/src/cli.js migrate)
}

# --- 5. systemd -----------------------------------------------------------------------------

install_service() {
	local unit=/etc/systemd/system/opora.service temp unit_changed=0 was_active=0
	temp=$(temp_beside "$unit")
	cat >"$temp" <<UNIT
# Written by Opora's install.sh; it is rewritten on every run. For local changes use a drop-in:
# systemctl edit opora
[Unit]
Description=Opora IT service desk
Documentation=file://$APP_DIR/docs/admin.md
After=network-online.target postgresql.service
Wants=network-online.target

[Service]
Type=simple
User=$RUN_USER
Group=$RUN_GROUP
WorkingDirectory=$APP_DIR
Environment=CONFIG_DIR=$CONFIG_DIR
Environment=NODE_ENV=production
ExecStart=$NODE $APP_DIR/dist/src/main.js
Restart=on-failure
RestartSec=5
KillSignal=SIGTERM
TimeoutStopSec=30
UMask=0027
NoNewPrivileges=true
ProtectSystem=strict
ReadWritePaths=$DATA_DIR
PrivateTmp=true

[Install]
WantedBy=multi-user.target
UNIT
	if replace_if_changed "$temp" "$unit"; then
		say "wrote $unit"
		unit_changed=1
	fi
	service_active && was_active=1
	systemctl daemon-reload
	systemctl enable --now opora.service
	if ((was_active && (unit_changed || APP_CHANGED))); then
		say "restarting opora.service"
		systemctl restart opora.service
	fi
}

# Waits until the service answers /readyz with 200 (systemd mode only).
wait_until_ready() {
	local url="http://127.0.0.1:$PORT/readyz" deadline=$((SECONDS + 120))
	say "waiting for $url"
	until "$NODE" -e "fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))" "$url"; do
		if ((SECONDS > deadline)); then
			die "Opora is not ready after 2 minutes; see: journalctl -u opora -n 50"
		fi
		sleep 2
	done
	say "Opora is ready"
}

# --- 6. nginx (optional) --------------------------------------------------------------------

setup_nginx() {
	local site=/etc/nginx/sites-available/opora.conf enabled=/etc/nginx/sites-enabled/opora.conf temp
	command -v nginx >/dev/null || apt_install nginx
	mkdir -p /etc/nginx/sites-available /etc/nginx/sites-enabled
	temp=$(temp_beside "$site")
	{
		printf '# Written by Opora install.sh for %s. Remove this line to keep your own edits.\n' "$NGINX_DOMAIN"
		if [[ -n $TLS_CERT ]]; then
			cat <<NGINX
server {
    listen 80;
    listen [::]:80;
    server_name $NGINX_DOMAIN;
    return 301 https://\$host\$request_uri;
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    server_name $NGINX_DOMAIN;
    ssl_certificate $TLS_CERT;
    ssl_certificate_key $TLS_KEY;
    ssl_protocols TLSv1.2 TLSv1.3;
NGINX
		else
			cat <<NGINX
server {
    listen 80;
    listen [::]:80;
    server_name $NGINX_DOMAIN;
NGINX
		fi
		cat <<NGINX
    client_max_body_size 50m;

    location / {
        proxy_pass http://127.0.0.1:$PORT;
        proxy_http_version 1.1;
        proxy_set_header Host \$host;
        proxy_set_header X-Real-IP \$remote_addr;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_set_header Connection "";
        # Live updates are Server-Sent Events: pass them on at once and keep them open.
        proxy_buffering off;
        proxy_read_timeout 1h;
    }
}
NGINX
	} >"$temp"
	if [[ -f $site ]] && ! head -n 1 "$site" | grep -q '^# Written by Opora install.sh'; then
		warn "keeping $site: it was edited (its first line is not install.sh's)"
		rm -f -- "$temp"
	elif replace_if_changed "$temp" "$site"; then
		say "wrote $site"
	fi
	ln -sfn -- "$site" "$enabled"
	nginx -t
	if ((USE_SYSTEMD)); then
		systemctl enable --now nginx.service
		systemctl reload nginx.service
	else
		say "nginx site written; reload nginx yourself (--no-systemd)"
	fi
	if [[ -z $TLS_CERT ]]; then
		say "note: $NGINX_DOMAIN is served over plain HTTP. For HTTPS, run again with --tls-cert and --tls-key"
		say "      (an existing certificate, e.g. from certbot), and set session.secure_cookie and app_url."
	fi
}

# --- main -----------------------------------------------------------------------------------

ensure_user
ensure_node
install_app
write_config
prepare_data_dir
run_migrations
if ((USE_SYSTEMD)); then
	install_service
	wait_until_ready
else
	if ((APP_CHANGED)); then say "if Opora was running from $APP_DIR, restart it now to run the new build"; fi
	say "--no-systemd: start Opora with"
	say "  CONFIG_DIR=$CONFIG_DIR NODE_ENV=production $NODE $APP_DIR/dist/src/main.js"
	say "  as user $RUN_USER, from $APP_DIR"
fi
if [[ -n $NGINX_DOMAIN ]]; then
	setup_nginx
fi

say "done. Opora $(sed -nE 's/^[[:space:]]*"version":[[:space:]]*"([^"]+)".*/\1/p' "$APP_DIR/package.json" | head -n 1) is installed in $APP_DIR"
say "settings: $CONFIG_FILE; data: $DATA_DIR; public address: $APP_URL"
say "first start prints a one-time link to set the administrator's password:"
if ((USE_SYSTEMD)); then
	say "  journalctl -u opora | grep 'First start'"
else
	say "  look for 'First start' in the server's output"
fi
